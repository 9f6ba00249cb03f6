"""Client side of the live tests: runs inside the test's network namespace and prints JSON.

Usage:
  live-probe.py wait-tcp HOST PORT [SECONDS]      exit 0 once HOST:PORT accepts a connection
  live-probe.py requests CONFIG.json              the HTTP requests of CONFIG, results by name
  live-probe.py websockets CONFIG.json            the WebSocket exchanges of the Channels test

A request: {"name", "url", "method"?, "headers"?, "body"? (text), "connect"? ("host:port" to
connect to instead of the URL's host, keeping its Host header and SNI), "raw"? (bytes to send as
they are; only the response head is read)}. TLS certificates are not verified (a throwaway one).
"""

import asyncio
import gzip
import http.client
import json
import socket
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ beside the tests
from http_raw import exchange, tls_context  # noqa: E402 (this script's folder)


def wait_tcp(host, port, seconds):
    end = time.time() + seconds
    while True:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return 0
        except OSError:
            if time.time() > end:
                return 1
            time.sleep(0.05)


def target(spec):
    url = urllib.parse.urlsplit(spec["url"])
    default = 443 if url.scheme == "https" else 80
    host, port = url.hostname, url.port or default
    if spec.get("connect"):
        host, port = spec["connect"].rsplit(":", 1)
        port = int(port)
    return url, host, port


def http_request(spec):
    url, host, port = target(spec)
    path = url.path or "/"
    if url.query:
        path += "?" + url.query
    if url.scheme == "https":
        raw_sock = socket.create_connection((host, port), timeout=10)
        sock = tls_context().wrap_socket(raw_sock, server_hostname=url.hostname)
        conn = http.client.HTTPSConnection(url.hostname, port, timeout=10, context=tls_context())
        conn.sock = sock
    else:
        conn = http.client.HTTPConnection(host, port, timeout=10)
    headers = {"Host": url.netloc, **spec.get("headers", {})}
    body = spec.get("body")
    conn.request(spec.get("method", "GET"), path, body=body.encode() if body is not None else None, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    out = {"status": resp.status, "headers": [[k, v] for k, v in resp.getheaders()], "raw_length": len(data)}
    if resp.getheader("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    out["body"] = data.decode("utf-8", "replace")
    out["length"] = len(data)
    return out


def raw_request(spec):
    url, host, port = target(spec)
    sock = socket.create_connection((host, port), timeout=10)
    if url.scheme == "https":
        sock = tls_context().wrap_socket(sock, server_hostname=url.hostname)
    return exchange(sock, spec["raw"].encode())


def requests(cfg):
    results = {}
    for spec in cfg["requests"]:
        try:
            results[spec["name"]] = raw_request(spec) if "raw" in spec else http_request(spec)
        except Exception as e:  # recorded, asserted by the test
            results[spec["name"]] = {"error": f"{type(e).__name__}: {e}"}
    return results


async def websockets_flow(cfg):
    """Clients on each web instance directly and through nginx (wss) join the same group; each
    sends a message; which messages each one receives shows whether the layer is shared."""
    import websockets

    clients = {}
    for c in cfg["clients"]:
        kwargs = {"origin": cfg["origin"], "open_timeout": 10}
        if c.get("connect"):
            host, port = c["connect"].rsplit(":", 1)
            kwargs.update(host=host, port=int(port))
        if c["url"].startswith("wss:"):
            kwargs["ssl"] = tls_context()
        clients[c["name"]] = await websockets.connect(c["url"], **kwargs)
    # A group_add completes before the consumer accepts; give the last joins a moment all the same.
    await asyncio.sleep(0.3)
    for name, text in cfg["send"]:
        await clients[name].send(text)

    async def collect(name, ws):
        got = []
        try:
            while len(got) < cfg["expect"]:
                got.append(await asyncio.wait_for(ws.recv(), timeout=cfg.get("timeout", 5)))
        except asyncio.TimeoutError:
            pass
        return name, sorted(got)

    received = dict(await asyncio.gather(*(collect(n, ws) for n, ws in clients.items())))
    for ws in clients.values():
        await ws.close()
    return {"received": received}


async def echo_flow(cfg):
    import websockets

    kwargs = {"origin": cfg["origin"], "open_timeout": 10}
    if cfg["url"].startswith("wss:"):
        kwargs["ssl"] = tls_context()
    results = {}
    try:
        async with websockets.connect(cfg["url"], **kwargs) as ws:
            await ws.send(cfg["text"])
            results["echo"] = await asyncio.wait_for(ws.recv(), timeout=5)
    except Exception as e:
        results["error"] = f"{type(e).__name__}: {e}"
    # A foreign Origin is refused by AllowedHostsOriginValidator (403 before the upgrade).
    try:
        kwargs["origin"] = "https://evil.example.net"
        async with websockets.connect(cfg["url"], **kwargs) as ws:
            results["foreign_origin"] = "accepted"
    except Exception as e:
        results["foreign_origin"] = f"{type(e).__name__}: {e}"
    return results


def main():
    command = sys.argv[1]
    if command == "wait-tcp":
        sys.exit(wait_tcp(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]) if len(sys.argv) > 4 else 15))
    cfg = json.load(open(sys.argv[2]))
    if command == "requests":
        print(json.dumps(requests(cfg)))
    elif command == "websockets":
        print(json.dumps(asyncio.run(websockets_flow(cfg))))
    elif command == "echo":
        print(json.dumps(asyncio.run(echo_flow(cfg))))
    else:
        sys.exit(f"unknown command {command}")


main()
