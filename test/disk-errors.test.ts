// Real write failures: a full disk (a small tmpfs), a folder the user may not write (EACCES, as
// nobody) and a read-only file system (EROFS). Each ends with one line naming the file and the
// cause, a non-zero exit, no stack trace, and the repository exactly as it was.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, useBuiltCli } from "./helpers/cli.js";
import { EXAMPLES } from "./helpers/kit.js";
import { requireRoot, requireTools } from "./helpers/tools.js";

useBuiltCli();
const work = mkdtempSync(join(tmpdir(), "disk-"));
chmodSync(work, 0o755);
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(() => {
  requireRoot("the disk-error tests");
  requireTools(["unshare", "mount", "setpriv", "find", "sha256sum"]);
});

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const KIT = ["--platform", "vps", "--domain", "app.example.com", "--email", "ops@example.com", "--yes"].join(" ");

/**
 * Runs `setup` then the CLI in a private mount namespace, and prints a listing (path and checksum
 * of every file) of the app before and after, split by a line of dashes.
 */
function inNamespace(setup: string, app: string, runAs = "") {
  const listing = `(cd ${q(app)} && find . -print0 | sort -z | xargs -0 -I{} sh -c 'if [ -f "{}" ]; then sha256sum "{}"; else echo "dir {}"; fi')`;
  const script = `set -e
mount --make-rprivate /
${setup}
${listing}
echo -----
set +e
${runAs} ${q(process.execPath)} ${q(CLI)} --dir ${q(app)} ${KIT} >/tmp/out.$$ 2>/tmp/err.$$
echo "exit=$?"
set -e
${listing}
echo -----
cat /tmp/err.$$; rm -f /tmp/out.$$ /tmp/err.$$`;
  const r = spawnSync("unshare", ["-m", "bash", "-c", script], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const [beforeList = "", middle = "", stderr = ""] = r.stdout.split("-----\n");
  const [status = "", ...afterLines] = middle.split("\n");
  const afterList = afterLines.join("\n");
  return { before: beforeList, after: afterList, exit: Number(status.replace("exit=", "")), stderr: stderr.trim() };
}

describe("a write that fails leaves nothing half-written", () => {
  it("a full disk (ENOSPC on a small tmpfs)", () => {
    const mnt = join(work, "full");
    const r = inNamespace(`mkdir -p ${q(mnt)}; mount -t tmpfs -o size=96k tmpfs ${q(mnt)}; cp -r ${q(join(EXAMPLES, "django-celery"))} ${q(mnt)}/app`, `${mnt}/app`);
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/^error: could not write [^\n]+: ENOSPC; nothing was written$/);
    expect(r.before).toContain("manage.py");
    expect(r.after).toBe(r.before);
  });

  it("a folder the user may not write (EACCES)", () => {
    const app = join(work, "locked");
    cpSync(join(EXAMPLES, "django-celery"), app, { recursive: true });
    chmodSync(app, 0o755);
    const r = inNamespace("true", app, "setpriv --reuid=65534 --regid=65534 --clear-groups");
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/^error: could not write [^\n]+: EACCES; nothing was written$/);
    expect(r.before).toContain("manage.py");
    expect(r.after).toBe(r.before);
  });

  it("a read-only file system (EROFS)", () => {
    const app = join(work, "readonly");
    cpSync(join(EXAMPLES, "django-celery"), app, { recursive: true });
    const r = inNamespace(`mount --bind ${q(app)} ${q(app)}; mount -o remount,ro,bind ${q(app)}`, app);
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/^error: could not write [^\n]+: EROFS; nothing was written$/);
    expect(r.before).toContain("manage.py");
    expect(r.after).toBe(r.before);
  });
});
