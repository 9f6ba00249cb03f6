#!/usr/bin/env python3
"""A stand-in for `docker` in tests of the vps deploy.sh and init-letsencrypt.sh (no Docker engine here).

It keeps images (tags -> ids) and containers (service -> image) in $FAKE_DOCKER_STATE/state.json and
implements what those scripts use, reading the real compose file with PyYAML:
  docker compose -p NAME [--env-file F] [-f F]... build|up|run|ps|exec|logs|stop ...
  docker image inspect [-f FORMAT] REF | docker image tag SRC DST | docker inspect -f '{{.Image}}' ID
Compose v2 behaviour that matters here is copied: `up` never starts a service in a profile unless it
is named; for a dependency with `condition: service_completed_successfully`, `up` stops the old
containers of the dependent services first and then runs the dependency (a failure leaves them down).
certbot runs are simulated against $FAKE_LE_DIR, which stands for the letsencrypt volume; `run
--entrypoint sh certbot -c CMD` runs CMD with /etc/letsencrypt pointing there.
nginx: the running container keeps the nginx.conf it was created with (a single-file bind mount) and
sees nginx/snippets/ live; `exec nginx tee PATH` writes stdin to a file inside it. `nginx -t`
(exec, or `run --entrypoint nginx nginx`) rejects a configuration holding the directive
`bogus_directive`, as nginx rejects an unknown one. Like Docker, `run` of nginx fails while nginx
runs: the one-off container would claim the same fixed ipv4_address.
Failures on demand: $FAKE_FAIL, a comma list of release (the migration), health (web's check),
certbot (issuance), nginx (nginx runs but serves nothing: see vps-curl.py). `build` gives the image
id $FAKE_BUILD_ID. Every call is appended to $FAKE_DOCKER_STATE/calls.jsonl as its argv.
"""

import json
import os
import re
import subprocess
import sys

import yaml

STATE_DIR = os.environ["FAKE_DOCKER_STATE"]
STATE_FILE = os.path.join(STATE_DIR, "state.json")
FAIL = set(filter(None, os.environ.get("FAKE_FAIL", "").split(",")))


def fail(message, code=125):
    print(f"fake docker: {message}", file=sys.stderr)
    sys.exit(code)


def load():
    if os.path.exists(STATE_FILE):
        with open(STATE_FILE) as f:
            return json.load(f)
    return {"tags": {}, "containers": {}, "serial": 0, "migrations": [], "nginx_conf": None}


def save(state):
    with open(STATE_FILE, "w") as f:
        json.dump(state, f, indent=1)


def resolve(state, ref):
    if ref.startswith("sha256:"):
        return ref if ref in state["tags"].values() or any(c["image"] == ref for c in state["containers"].values()) else None
    return state["tags"].get(ref if ":" in ref else ref + ":latest")


BOGUS = re.compile(r"^\s*bogus_directive\b", re.M)


def nginx_test(conf_text, path):
    """`nginx -t` on a main file and the snippets (mounted live from nginx/snippets/)."""
    texts = [(path, conf_text)]
    for root, _, names in os.walk("nginx/snippets"):
        for name in sorted(names):
            if name.endswith(".conf"):
                with open(os.path.join(root, name)) as f:
                    texts.append(("/etc/nginx/snippets" + os.path.join(root, name)[len("nginx/snippets") :], f.read()))
    for where, text in texts:
        m = BOGUS.search(text)
        if m:
            line = text[: m.start()].count("\n") + 1
            print(f'nginx: [emerg] unknown directive "bogus_directive" in {where}:{line}', file=sys.stderr)
            print(f"nginx: configuration file {path} test failed", file=sys.stderr)
            return 1
    return 0


def interpolate(value):
    """${VAR:-default} from the environment, as compose does (the only form an image name uses)."""
    return re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: os.environ.get(m.group(1)) or m.group(2), value)


def take(args, flags_with_value, flags):
    """Splits leading options off args: (values of options with a value, set flags, the rest)."""
    values, seen = {}, set()
    while args and args[0].startswith("-"):
        arg = args.pop(0)
        if arg in flags_with_value:
            values.setdefault(arg, []).append(args.pop(0))
        elif arg in flags:
            seen.add(arg)
        else:
            fail(f"unexpected option: {arg}")
    return values, seen, args


def image_cmd(state, args):
    if args[:1] == ["inspect"]:
        values, _, rest = take(args[1:], {"-f", "--format"}, set())
        image = resolve(state, rest[0])
        if image is None:
            print(f"Error: No such image: {rest[0]}", file=sys.stderr)
            sys.exit(1)
        print(image if values else json.dumps([{"Id": image}]))
        return 0
    if args[:1] == ["tag"]:
        src, dst = args[1:3]
        image = resolve(state, src)
        if image is None:
            fail(f"No such image: {src}", 1)
        state["tags"][dst if ":" in dst else dst + ":latest"] = image
        return 0
    fail(f"docker image {' '.join(args)} is not implemented")


class Compose:
    def __init__(self, state, args):
        self.state = state
        values, _, self.rest = take(args, {"-p", "--env-file", "-f", "--file"}, set())
        if "-p" not in values:
            fail("every compose call must pin the project name with -p")
        self.project = values["-p"][0]
        env_file = values.get("--env-file", [".env"])[0]
        if not os.path.isfile(env_file):
            fail(f"couldn't find env file: {env_file}")
        self.services = {}
        for path in values.get("-f", []) + values.get("--file", []):
            if not os.path.isfile(path):
                fail(f"open {path}: no such file or directory")
            with open(path) as f:
                for name, service in (yaml.safe_load(f).get("services") or {}).items():
                    self.services.setdefault(name, {}).update(service)

    def service(self, name):
        if name not in self.services:
            fail(f"no such service: {name}")
        return self.services[name]

    def start(self, name, force=False):
        """Creates the service's container, unless one runs its current image (as `up` does)."""
        service = self.service(name)
        image = interpolate(service["image"])
        built = resolve(self.state, image) or (None if "build" in service else image)
        if built is None:
            fail(f"{image}: no such image (build it first)")
        current = self.state["containers"].get(name)
        if current and current["image"] == built and not force:
            return
        self.state["serial"] += 1
        self.state["containers"][name] = {"id": f"ctr{self.state['serial']}-{name}", "image": built}
        if name == "nginx":
            with open("nginx/nginx.conf") as f:
                self.state["nginx_conf"] = f.read()
            self.state["containers"][name]["files"] = {}

    def run_release(self, name):
        service = self.service(name)
        if "release" in FAIL:
            print("django.db.utils.ProgrammingError: the migration failed", file=sys.stderr)
            return 1
        self.state["migrations"].append(resolve(self.state, interpolate(service["image"])))
        return 0

    def build(self, args):
        _, _, rest = take(args, set(), {"--pull"})
        for name, service in self.services.items():
            if "build" in service and (not rest or name in rest):
                self.state["tags"][interpolate(service["image"])] = os.environ["FAKE_BUILD_ID"]
        return 0

    def up(self, args):
        _, flags, named = take(args, set(), {"-d", "--wait", "--no-build", "--remove-orphans", "--no-deps", "--force-recreate"})
        if "-d" not in flags:
            fail("up without -d would stay attached")
        targets = named or [n for n, s in self.services.items() if not s.get("profiles")]
        for name in targets:
            for dep, cond in (self.service(name).get("depends_on") or {}).items():
                condition = cond.get("condition") if isinstance(cond, dict) else "service_started"
                if condition == "service_completed_successfully":
                    # Compose v2 recreates: the old containers are stopped and removed before it
                    # waits for the dependency to complete.
                    for t in targets:
                        self.state["containers"].pop(t, None)
                    if self.run_release(dep) != 0:
                        print(f"service {dep!r} didn't complete successfully: exit 1", file=sys.stderr)
                        return 1
                elif "--no-deps" not in flags and dep not in self.state["containers"]:
                    self.start(dep)
        for name in targets:
            self.start(name, force="--force-recreate" in flags)
        return 0

    def run(self, args):
        values, flags, rest = take(args, {"--entrypoint"}, {"--rm", "-T", "--no-deps"})
        name, command = rest[0], rest[1:]
        self.service(name)
        entrypoint = values.get("--entrypoint", [None])[0]
        if name == "certbot":
            le = os.environ["FAKE_LE_DIR"]
            if entrypoint == "sh" and command[:1] == ["-c"]:
                return subprocess.run(["sh", "-c", command[1].replace("/etc/letsencrypt", le)]).returncode
            if entrypoint == "certbot":
                return certbot(le, command)
            fail(f"certbot run not implemented: {rest}")
        if name == "nginx" and entrypoint == "nginx" and command in (["-t"], ["-t", "-q"]):
            if "nginx" in self.state["containers"] and "ipv4_address" in str(self.service("nginx").get("networks")):
                print("Error response from daemon: Address already in use", file=sys.stderr)
                return 1
            with open("nginx/nginx.conf") as f:
                return nginx_test(f.read(), "/etc/nginx/nginx.conf")
        if entrypoint is None and not command:
            return self.run_release(name)
        fail(f"run not implemented: {rest}")

    def ps(self, args):
        _, flags, rest = take(args, set(), {"-q", "-a"})
        for name, container in self.state["containers"].items():
            if not rest or name in rest:
                print(container["id"] if "-q" in flags else f"{container['id']}  {name}  {container['image']}")
        return 0

    def exec(self, args):
        _, flags, rest = take(args, set(), {"-T"})
        if "-T" not in flags and not sys.stdin.isatty():
            fail("the input device is not a TTY")
        name, command = rest[0], rest[1:]
        if name not in self.state["containers"]:
            print(f"service {name!r} is not running", file=sys.stderr)
            return 1
        if name == "web" and command[:1] == ["python"]:
            return 1 if "health" in FAIL else 0
        if name == "nginx" and command == ["cat", "/etc/nginx/nginx.conf"]:
            sys.stdout.write(self.state["nginx_conf"])
            return 0
        if name == "nginx" and len(command) == 2 and command[0] == "tee":
            self.state["containers"]["nginx"]["files"][command[1]] = sys.stdin.read()
            return 0
        if name == "nginx" and command == ["nginx", "-s", "reload"]:
            return 0
        if name == "nginx" and command[:3] == ["nginx", "-t", "-q"]:
            if command[3:] == []:
                return nginx_test(self.state["nginx_conf"], "/etc/nginx/nginx.conf")
            if command[3:4] == ["-c"] and len(command) == 5:
                files = self.state["containers"]["nginx"]["files"]
                if command[4] not in files:
                    print(f'nginx: [emerg] open() "{command[4]}" failed (2: No such file or directory)', file=sys.stderr)
                    return 1
                return nginx_test(files[command[4]], command[4])
        fail(f"exec not implemented: {rest}")

    def logs(self, args):
        return 0

    def stop(self, args):
        if not args:
            fail("stop without services would stop the whole project")
        for name in args:
            self.service(name)
            self.state["containers"].pop(name, None)
        return 0

    def dispatch(self):
        sub, args = self.rest[0], self.rest[1:]
        handler = {"build": self.build, "up": self.up, "run": self.run, "ps": self.ps, "exec": self.exec, "logs": self.logs, "stop": self.stop}.get(sub)
        if handler is None:
            fail(f"docker compose {sub} is not implemented")
        return handler(args)


def certbot(le, args):
    """certbot certonly --webroot, as far as lineages go: a new one needs a free live/NAME folder."""
    if args[:1] != ["certonly"]:
        fail(f"certbot {args[:1]} is not implemented")
    values, flags, rest = take(
        args[1:],
        {"--webroot-path", "--email", "--domain", "-d", "--cert-name", "--rsa-key-size", "--key-type"},
        {"--webroot", "--agree-tos", "--no-eff-email", "--non-interactive", "--staging", "--force-renewal", "--keep-until-expiring"},
    )
    if rest:
        fail(f"unexpected certbot arguments: {rest}")
    if "certbot" in FAIL:
        print("Certbot failed to authenticate some domains (authenticator: webroot)", file=sys.stderr)
        return 1
    domain = (values.get("--domain") or values["-d"])[0]
    name = values.get("--cert-name", [domain])[0]
    renewal = os.path.join(le, "renewal", name + ".conf")
    if os.path.exists(renewal):
        if "--force-renewal" not in flags:
            print("Certificate not yet due for renewal; no action taken.")
            return 0
    elif os.path.exists(os.path.join(le, "live", name)):
        # A folder certbot did not make: it picks the next free lineage name, as certbot does.
        name += "-0001"
        renewal = os.path.join(le, "renewal", name + ".conf")
    archive = os.path.join(le, "archive", name)
    os.makedirs(archive, exist_ok=True)
    version = len(os.listdir(archive)) // 2 + 1
    kind = "STAGING" if "--staging" in flags else "REAL"
    for part in ("fullchain", "privkey"):
        with open(os.path.join(archive, f"{part}{version}.pem"), "w") as f:
            f.write(f"{kind} CERT {version} {part}\n")
    live = os.path.join(le, "live", name)
    os.makedirs(live, exist_ok=True)
    for part in ("fullchain", "privkey"):
        with open(os.path.join(live, f"{part}.pem"), "w") as f:
            f.write(f"{kind} CERT {version} {part}\n")
    os.makedirs(os.path.dirname(renewal), exist_ok=True)
    with open(renewal, "w") as f:
        f.write(f"version = {version}\n")
    return 0


def main():
    args = sys.argv[1:]
    with open(os.path.join(STATE_DIR, "calls.jsonl"), "a") as f:
        f.write(json.dumps(args) + "\n")
    state = load()
    if args[:1] == ["compose"]:
        code = Compose(state, args[1:]).dispatch()
    elif args[:1] == ["image"]:
        code = image_cmd(state, args[1:])
    elif args[:1] == ["tag"]:
        code = image_cmd(state, args)
    elif args[:1] == ["inspect"]:
        values, _, rest = take(args[1:], {"-f", "--format"}, set())
        if values.get("-f", values.get("--format")) != ["{{.Image}}"]:
            fail("only docker inspect -f '{{.Image}}' is implemented")
        found = [c["image"] for c in state["containers"].values() if c["id"] == rest[0]]
        if not found:
            fail(f"No such object: {rest[0]}", 1)
        print(found[0])
        code = 0
    else:
        fail(f"docker {' '.join(args)} is not implemented")
    save(state)
    sys.exit(code)


main()
