#!/usr/bin/env python3
"""A stand-in for `curl` in tests of the vps deploy.sh: a request from the host to the published
port 443, answered from the fake docker's state ($FAKE_DOCKER_STATE/state.json, see vps-docker.py).

nginx serves the request when its container exists, the nginx.conf it was created with passes the
fake `nginx -t`, $FAKE_FAIL does not hold `nginx`, and web runs and is healthy (else nginx answers
502, so `curl -f` fails). The host resolves names through DNS, not through the server: a request for
the domain must name 127.0.0.1 with --resolve DOMAIN:443:127.0.0.1. Implements only what deploy.sh
uses: -f -s -S -k (also combined), -o FILE, --max-time N, --resolve HOST:PORT:ADDR, one https:// URL.
Every call is appended to $FAKE_DOCKER_STATE/calls.jsonl as its argv, with "curl" first.
"""

import json
import os
import re
import sys

STATE_DIR = os.environ["FAKE_DOCKER_STATE"]
FAIL = set(filter(None, os.environ.get("FAKE_FAIL", "").split(",")))


def usage(message):
    print(f"fake curl: {message}", file=sys.stderr)
    sys.exit(2)


def main():
    args = sys.argv[1:]
    with open(os.path.join(STATE_DIR, "calls.jsonl"), "a") as f:
        f.write(json.dumps(["curl"] + args) + "\n")
    flags, resolve, urls = set(), [], []
    while args:
        arg = args.pop(0)
        if arg in ("-o", "--max-time"):
            args.pop(0)
        elif arg == "--resolve":
            resolve.append(args.pop(0))
        elif re.fullmatch(r"-[fsSk]+", arg):
            flags.update(arg[1:])
        elif arg.startswith("-"):
            usage(f"unexpected option: {arg}")
        else:
            urls.append(arg)
    if len(urls) != 1:
        usage(f"one URL expected, got {urls}")
    m = re.fullmatch(r"https://([^/:]+)(/.*)?", urls[0])
    if not m:
        usage(f"not an https URL: {urls[0]}")
    host = m.group(1)
    if f"{host}:443:127.0.0.1" not in resolve:
        print(f"curl: (6) Could not resolve host: {host}", file=sys.stderr)
        return 6
    if "k" not in flags:
        # The test certificate is not trusted (as Let's Encrypt's staging one is not).
        print("curl: (60) SSL certificate problem: unable to get local issuer certificate", file=sys.stderr)
        return 60
    with open(os.path.join(STATE_DIR, "state.json")) as f:
        state = json.load(f)
    containers = state["containers"]
    conf = state.get("nginx_conf") or ""
    if "nginx" not in containers or "nginx" in FAIL or re.search(r"^\s*bogus_directive\b", conf, re.M):
        print(f"curl: (7) Failed to connect to {host} port 443 after 0 ms: Couldn't connect to server", file=sys.stderr)
        return 7
    if "web" not in containers or "health" in FAIL:
        if "f" in flags:
            print("curl: (22) The requested URL returned error: 502", file=sys.stderr)
            return 22
    return 0


sys.exit(main())
