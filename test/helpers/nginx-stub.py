"""Stub upstream for the live nginx test: echoes what it received as JSON.

It also sends the app's own copies of the security headers (as Django does), so the test can check
that nginx sends each exactly once, except under /no-app-headers/ (an app that sends none, such as
FastAPI's), and answers a WebSocket handshake with 101. Under STATIC_PREFIX it answers as WhiteNoise
does for a collected file with a hashed name: text/css with a far-future Cache-Control.
Usage: nginx-stub.py PORT [STATIC_PREFIX]
"""

import base64
import hashlib
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

APP_HEADERS = [
    ("X-Frame-Options", "SAMEORIGIN"),
    ("X-Content-Type-Options", "nosniff"),
    ("Strict-Transport-Security", "max-age=60"),
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", "geolocation=(self)"),
]
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
STATIC_PREFIX = sys.argv[2] if len(sys.argv) > 2 else ""
# Kept in step with STATIC_CACHE_CONTROL in nginx.ts.
STATIC_CACHE_CONTROL = "max-age=315360000, public, immutable"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = {
            "method": self.command,
            "path": self.path,
            "client": self.client_address[0],
            "headers": [[k, v] for k, v in self.headers.items()],
            "body_length": len(body),
        }
        if self.headers.get("Upgrade", "").lower() == "websocket":
            key = self.headers.get("Sec-WebSocket-Key", "")
            accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept)
            self.send_header("X-Upstream-Seen", base64.b64encode(json.dumps(seen).encode()).decode())
            self.end_headers()
            self.close_connection = True
            return
        extra = []
        if self.path.startswith("/big"):
            payload, ctype = ("lorem ipsum dolor sit amet\n" * 2000).encode(), "text/plain; charset=utf-8"
        elif STATIC_PREFIX and self.path.startswith(STATIC_PREFIX):
            payload, ctype = b"body{margin:0}\n", "text/css; charset=utf-8"
            extra = [("Cache-Control", STATIC_CACHE_CONTROL), ("X-Upstream-Seen", base64.b64encode(json.dumps(seen).encode()).decode())]
        else:
            payload, ctype = json.dumps(seen).encode(), "application/json"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        if not self.path.startswith("/no-app-headers/"):
            for name, value in APP_HEADERS:
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = handle_any


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
