"""Runs the webhook handler copied from a generated RUNBOOK.md against FastAPI's TestClient.

Usage: chatwoot_webhook.py SNIPPET.py APP_ATTR WEBHOOK_PATH [memory]
Prints one JSON object describing what happened; the test asserts on it. Redis is fakeredis when
installed, otherwise a small in-memory stand-in with the two commands the handler uses. Outgoing
HTTP goes to an httpx MockTransport that records each reply the bot posts to Chatwoot.
"""
import hashlib
import hmac
import json
import os
import sys
import time
import types

SECRET = "test-webhook-secret"
os.environ.update(
    CHATWOOT_WEBHOOK_SECRET=SECRET,
    CHATWOOT_URL="https://chatwoot.test/",
    CHATWOOT_BOT_TOKEN="bot-token",
    REDIS_URL="redis://redis.invalid:6379/0",
)

import httpx  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

snippet_path, app_attr, webhook_path = sys.argv[1:4]
force_memory = sys.argv[4:] == ["memory"]


class MemoryRedis:
    """SET key value NX EX and DEL, as redis.asyncio answers them."""

    def __init__(self):
        self.data = {}

    async def set(self, key, value, nx=False, ex=None):
        if nx and key in self.data:
            return None
        self.data[key] = value
        return True

    async def delete(self, *keys):
        return sum(self.data.pop(k, None) is not None for k in keys)


try:
    if force_memory:
        raise ImportError("the in-memory stand-in was asked for")
    import fakeredis.aioredis

    fake_redis, redis_kind = fakeredis.aioredis.FakeRedis(), "fakeredis"
except ImportError:
    fake_redis, redis_kind = MemoryRedis(), "memory"

posted = []


def chatwoot(request: httpx.Request) -> httpx.Response:
    posted.append(
        {"url": str(request.url), "token": request.headers.get("api_access_token"), "json": json.loads(request.content)}
    )
    return httpx.Response(200, json={"id": len(posted)})


# httpx as the snippet sees it: the real module, except that clients talk to the mock Chatwoot.
fake_httpx = types.ModuleType("httpx")
fake_httpx.__dict__.update(httpx.__dict__)
fake_httpx.AsyncClient = lambda **kw: httpx.AsyncClient(transport=httpx.MockTransport(chatwoot), **kw)

namespace = {"__name__": "runbook_snippet", app_attr: FastAPI()}
source = open(snippet_path).read()
exec(compile(source, "RUNBOOK.md (webhook handler)", "exec"), namespace)
assert namespace[app_attr].routes, "the snippet registered no route"


async def generate_reply(text):
    return f"reply to: {text}"


namespace.update(redis=fake_redis, httpx=fake_httpx, generate_reply=generate_reply)


def event(message_type="incoming", content="hello"):
    return {
        "event": "message_created",
        "message_type": message_type,
        "content": content,
        "account": {"id": 1},
        "conversation": {"id": 7},
    }


def signed(body: bytes, timestamp: int):
    digest = hmac.new(SECRET.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Chatwoot-Timestamp": str(timestamp), "X-Chatwoot-Signature": f"sha256={digest}"}


results = {"redis": redis_kind}
with TestClient(namespace[app_attr], raise_server_exceptions=False) as client:

    def post(name, body, headers, expect_posted):
        response = client.post(webhook_path, content=body, headers={"Content-Type": "application/json", **headers})
        try:
            payload = response.json()
        except ValueError:
            payload = response.text
        results[name] = {"status": response.status_code, "body": payload, "posted": len(posted) - expect_posted}

    body = json.dumps(event()).encode()
    now = int(time.time())
    post("first", body, {**signed(body, now), "X-Chatwoot-Delivery": "d-1"}, 0)
    results["reply"] = posted[0] if posted else None
    # Chatwoot delivers the same event again (its own retry): signed afresh, same delivery id.
    post("duplicate", body, {**signed(body, now + 1), "X-Chatwoot-Delivery": "d-1"}, len(posted))
    tampered = body.replace(b"hello", b"HELLO")
    post("tampered", tampered, {**signed(body, now), "X-Chatwoot-Delivery": "d-2"}, len(posted))
    post("stale", body, {**signed(body, now - 600), "X-Chatwoot-Delivery": "d-3"}, len(posted))
    post("future", body, {**signed(body, now + 600), "X-Chatwoot-Delivery": "d-4"}, len(posted))
    post("unsigned", body, {"X-Chatwoot-Timestamp": str(now), "X-Chatwoot-Delivery": "d-5"}, len(posted))
    post("no-timestamp", body, {"X-Chatwoot-Signature": signed(body, now)["X-Chatwoot-Signature"]}, len(posted))
    outgoing = json.dumps(event("outgoing", "the bot's own reply")).encode()
    post("outgoing", outgoing, {**signed(outgoing, now), "X-Chatwoot-Delivery": "d-6"}, len(posted))

    # Queueing fails once: 503, and the delivery id is released so Chatwoot's retry is processed.
    real_enqueue = namespace["enqueue"]

    def broken_enqueue(*args):
        raise RuntimeError("queue down")

    namespace["enqueue"] = broken_enqueue
    retry_body = json.dumps(event(content="again")).encode()
    post("queue-down", retry_body, {**signed(retry_body, now), "X-Chatwoot-Delivery": "d-7"}, len(posted))
    namespace["enqueue"] = real_enqueue
    post("retry-after-queue-down", retry_body, {**signed(retry_body, now + 2), "X-Chatwoot-Delivery": "d-7"}, len(posted))



async def verify_raw(timestamp: bytes, body: bytes):
    """verified_body() on a request whose timestamp header holds raw bytes (the test client
    would re-encode them): the HTTP status it raises, or the exception type if it crashes."""
    from fastapi import HTTPException
    from starlette.requests import Request

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    headers = [(b"x-chatwoot-timestamp", timestamp), (b"x-chatwoot-signature", b"sha256=00")]
    request = Request({"type": "http", "method": "POST", "path": webhook_path, "headers": headers}, receive)
    try:
        await namespace["verified_body"](request)
        return 200
    except HTTPException as e:
        return e.status_code
    except Exception as e:  # a 500 in production
        return type(e).__name__


import asyncio  # noqa: E402

# Byte 0xB2 is "²" in latin-1, how ASGI servers decode headers: str.isdigit() accepts it, int() does not.
results["non-ascii-digit"] = {"status": asyncio.run(verify_raw(b"\xb2", body)), "posted": 0}
results["posted"] = posted
print(json.dumps(results))
