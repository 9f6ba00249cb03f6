"""A stand-in for Chatwoot's API in the live FastAPI test: records each request it receives.

Each request is appended to RECORD_FILE as one JSON line (method, path, headers, JSON body) and
answered 200 with a message id, as Chatwoot answers POST .../conversations/{id}/messages.
Usage: fake-chatwoot.py PORT RECORD_FILE
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, RECORD = int(sys.argv[1]), sys.argv[2]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            payload = body.decode("utf-8", "replace")
        with open(RECORD, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path, "headers": dict(self.headers.items()), "json": payload}) + "\n")
        answer = json.dumps({"id": 1, "content": payload.get("content") if isinstance(payload, dict) else None}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = handle_any


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
