"""Client side of the live nginx test: sends the requests and prints one JSON object of results.

Runs inside the test's network namespace, where /etc/hosts maps the domain and a foreign host name
to 127.0.0.1. The compose service names start out unknown to the DNS stand-in (nginx-dns.py): the
"down ..." checks run then; the probe then lists the names in cfg["namesFile"] and runs the rest.
Each check records what happened (or the error); the test asserts on the JSON.
Usage: nginx-probe.py CONFIG.json
"""

import base64
import gzip
import http.client
import json
import socket
import ssl
import sys
import time
import warnings

sys.dont_write_bytecode = True  # no __pycache__ beside the tests
from http_raw import exchange, tls_context  # noqa: E402 (this script's folder)

warnings.filterwarnings("ignore", category=DeprecationWarning)  # ssl.TLSVersion.TLSv1_1, on purpose

cfg = json.load(open(sys.argv[1]))
DOMAIN, FOREIGN = cfg["domain"], cfg["foreignHost"]


def wait_for_dns(deadline=8.0):
    """Until the DNS stand-in answers a query (any answer)."""
    query = bytes.fromhex("abcd01000001000000000000") + b"\x03web\x00\x00\x01\x00\x01"
    end = time.time() + deadline
    while True:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(0.2)
        try:
            sock.sendto(query, ("127.0.0.11", 53))
            sock.recv(512)
            return
        except OSError:
            if time.time() > end:
                raise
        finally:
            sock.close()


def wait_for(port, deadline=8.0):
    end = time.time() + deadline
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.time() > end:
                raise
            time.sleep(0.05)


def request(scheme, path, method="GET", headers=None, body=None, host=DOMAIN):
    if scheme == "https":
        conn = http.client.HTTPSConnection(host, 443, context=tls_context(), timeout=5)
    else:
        conn = http.client.HTTPConnection(host, 80, timeout=5)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    out = {"status": resp.status, "headers": [[k, v] for k, v in resp.getheaders()], "raw_length": len(data)}
    if resp.getheader("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    out["body"] = data.decode("utf-8", "replace")
    try:
        out["upstream"] = json.loads(out["body"])
    except ValueError:
        pass
    return out


def raw(scheme, payload, sni=DOMAIN):
    """Sends bytes as they are; returns the head of the response, or how the connection ended."""
    sock = socket.create_connection(("127.0.0.1", 443 if scheme == "https" else 80), timeout=5)
    if scheme == "https":
        sock = tls_context().wrap_socket(sock, server_hostname=sni)
    return exchange(sock, payload)


def handshake(sni, **opts):
    sock = socket.create_connection(("127.0.0.1", 443), timeout=5)
    try:
        tls = tls_context(**opts).wrap_socket(sock, server_hostname=sni)
    except (ssl.SSLError, OSError) as e:
        sock.close()
        return {"ok": False, "alert": str(e)}
    out = {"ok": True, "version": tls.version(), "cipher": tls.cipher()[0], "alpn": tls.selected_alpn_protocol()}
    tls.close()
    return out


UPGRADE = {
    "Upgrade": "websocket",
    "Connection": "Upgrade",
    "Sec-WebSocket-Key": base64.b64encode(b"create-prod-kit!").decode(),
    "Sec-WebSocket-Version": "13",
}


def upgrade_request(path):
    lines = [f"GET {path} HTTP/1.1", f"Host: {DOMAIN}"] + [f"{k}: {v}" for k, v in UPGRADE.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def header(res, name):
    return [v for k, v in res.get("headers", []) if k.lower() == name.lower()]


# While `web` does not resolve (its container is down): nginx must run, answer ACME challenges and
# redirect, and give the app's paths a 502.
down_checks = {
    "down redirect": lambda: request("http", "/anything?x=1"),
    "down acme": lambda: request("http", "/.well-known/acme-challenge/" + cfg["acmeToken"]),
    "down app": lambda: request("https", cfg["healthPath"]),
}
for path in cfg["websockets"]:
    down_checks["down ws " + path] = lambda path=path: raw("https", upgrade_request(path + "room/"))

checks = {
    "redirect": lambda: request("http", "/anything?x=1"),
    "acme": lambda: request("http", "/.well-known/acme-challenge/" + cfg["acmeToken"]),
    "health": lambda: request(
        "https",
        cfg["healthPath"],
        # Forged proxy headers: nginx must overwrite them, not pass them on.
        headers={"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Proto": "http", "X-Real-IP": "6.6.6.6"},
    ),
    "no_app_headers": lambda: request("https", "/no-app-headers/page"),
    "gzip": lambda: request("https", "/big.txt", headers={"Accept-Encoding": "gzip"}),
    "post_at_limit": lambda: request("https", "/upload", "POST", body=b"x" * cfg["maxBodyBytes"]),
    "post_over_limit": lambda: raw(
        "https",
        (
            f"POST /upload HTTP/1.1\r\nHost: {DOMAIN}\r\nContent-Length: {cfg['maxBodyBytes'] + 1}\r\n"
            "Expect: 100-continue\r\n\r\n"
        ).encode(),
    ),
    "foreign_http": lambda: raw("http", f"GET / HTTP/1.1\r\nHost: {FOREIGN}\r\n\r\n".encode()),
    "foreign_host_https": lambda: raw("https", f"GET / HTTP/1.1\r\nHost: {FOREIGN}\r\n\r\n".encode()),
    "foreign_sni": lambda: handshake(FOREIGN),
    "no_sni": lambda: handshake(None),
    "tls": lambda: handshake(DOMAIN, alpn=["h2", "http/1.1"]),
    "tls12": lambda: handshake(DOMAIN, max_version=ssl.TLSVersion.TLSv1_2),
    # SECLEVEL=0 lets this client offer TLS 1.1 at all; the server must refuse the version itself.
    "tls11": lambda: handshake(
        DOMAIN, min_version=ssl.TLSVersion.TLSv1_1, max_version=ssl.TLSVersion.TLSv1_1, ciphers="DEFAULT:@SECLEVEL=0"
    ),
    "tls12_static_rsa": lambda: handshake(DOMAIN, max_version=ssl.TLSVersion.TLSv1_2, ciphers="AES128-GCM-SHA256"),
    # A WebSocket handshake on a path outside the detected WebSocket routes.
    "ws_elsewhere": lambda: raw("https", upgrade_request("/elsewhere/socket")),
}
if not cfg["asgi"]:
    # A WSGI app cannot switch protocols: the upgrade must not reach it (answered like any GET).
    checks["upgrade_outside_ws_route"] = lambda: request("https", "/not-a-socket/", headers=UPGRADE)
checks["media"] = lambda: request("https", "/media/" + cfg["mediaFile"])
if cfg["staticFile"]:
    checks["static"] = lambda: request("https", cfg["staticFile"], headers={"Accept-Encoding": "gzip"})
for path in cfg["websockets"]:
    checks["ws " + path] = lambda path=path: raw("https", upgrade_request(path + "room/"))


def run(checks, results):
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as e:  # recorded, asserted by the test
            results[name] = {"error": f"{type(e).__name__}: {e}"}


def main():
    wait_for_dns()
    wait_for(80)
    wait_for(443)
    wait_for(cfg["upstreamPort"])
    results = {}
    run(down_checks, results)
    # The service containers come up: from now on their names resolve to the stub's address.
    with open(cfg["namesFile"], "w") as f:
        f.write("".join(name + "\n" for name in cfg["serviceNames"]))
    run(checks, results)
    for res in results.values():
        seen = header(res, "X-Upstream-Seen")
        if seen:
            res["upstream"] = json.loads(base64.b64decode(seen[0]))
    print(json.dumps(results))


main()
