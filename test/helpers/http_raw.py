"""What the live probes (live-probe.py, nginx-probe.py) share: a TLS client that accepts the tests'
throwaway self-signed certificates, and a raw exchange that sends bytes as they are and reads
only the head of the response."""

import ssl


def tls_context(**opts):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the throwaway self-signed certificate
    if "max_version" in opts:
        ctx.maximum_version = opts["max_version"]
    if "min_version" in opts:
        ctx.minimum_version = opts["min_version"]
    if "ciphers" in opts:
        ctx.set_ciphers(opts["ciphers"])
    if "alpn" in opts:
        ctx.set_alpn_protocols(opts["alpn"])
    return ctx


def exchange(sock, payload):
    """Sends bytes as they are on a connected socket (closed after); returns the head of the
    response, or how the connection ended."""
    sock.sendall(payload)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    sock.close()
    if not data:
        return {"closed_without_response": True}
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    return {
        "status_line": head[0],
        "status": int(head[0].split(" ")[1]),
        "headers": [line.split(": ", 1) for line in head[1:]],
    }
