// The writer: never writes outside the repository, never through a link, all or nothing, and a
// Ctrl-C while staging leaves the old files as they were.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { file, type GeneratedFile } from "../src/files/generated-file.js";
import { applyWrites, blocking, planWrites } from "../src/writer.js";
import { sourceModule } from "./helpers/source-module.js";

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "writer-"));
  dirs.push(dir);
  return dir;
}

const kit: GeneratedFile[] = [
  file("Dockerfile", "FROM python:3.12-slim\n"),
  file("docs/RUNBOOK.md", "# Runbook\n"),
  file("scripts/backup-db.sh", "#!/bin/sh\n", { mode: 0o755 }),
  file(".gitignore", ".env\n", { owner: "managed-block" }),
  file("nginx/snippets/custom.conf", "# yours\n", { owner: "once" }),
];

describe("links and things in the way", () => {
  it("refuses a folder that links out of the repository, even with --force, and writes nothing there", () => {
    const root = temp();
    const outside = temp();
    symlinkSync(outside, join(root, "docs"));
    for (const force of [false, true]) {
      const actions = planWrites(root, kit, { force });
      const docs = actions.find((a) => a.path === "docs/RUNBOOK.md")!;
      expect(docs.status).toBe("refused");
      expect(docs.reason).toBe("docs/ is a link out of the repository");
      expect(() => applyWrites(root, actions)).toThrow(/refusing to write: docs\/RUNBOOK\.md/);
    }
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(root, "Dockerfile"))).toBe(false);
  });

  it("writes through a folder link that stays inside the repository", () => {
    const root = temp();
    mkdirSync(join(root, "documentation"));
    symlinkSync(join(root, "documentation"), join(root, "docs"));
    const actions = planWrites(root, kit, { force: false });
    expect(blocking(actions)).toEqual([]);
    applyWrites(root, actions);
    expect(readFileSync(join(root, "documentation", "RUNBOOK.md"), "utf8")).toBe("# Runbook\n");
  });

  it("treats a file that is a link (even a dangling one) as the user's: it differs, replaced only by --force, its target untouched", () => {
    const root = temp();
    const outside = temp();
    const target = join(outside, "passwd");
    writeFileSync(target, "root:x:0:0\n");
    symlinkSync(target, join(root, "Dockerfile"));
    mkdirSync(join(root, "scripts"));
    symlinkSync(join(outside, "missing"), join(root, "scripts", "backup-db.sh"));
    const plain = planWrites(root, kit, { force: false });
    expect(plain.find((a) => a.path === "Dockerfile")).toMatchObject({ status: "differs", reason: "is a symbolic link" });
    expect(plain.find((a) => a.path === "scripts/backup-db.sh")).toMatchObject({ status: "differs", reason: "is a symbolic link" });
    const forced = planWrites(root, kit, { force: true });
    applyWrites(root, forced);
    expect(readFileSync(target, "utf8")).toBe("root:x:0:0\n");
    expect(readFileSync(join(root, "Dockerfile"), "utf8")).toBe("FROM python:3.12-slim\n");
    expect(existsSync(join(outside, "missing"))).toBe(false);
  });

  it("never replaces a .gitignore that is a link, and keeps a once-file link as the user's", () => {
    const root = temp();
    const outside = temp();
    writeFileSync(join(outside, "gitignore"), "*.log\n");
    symlinkSync(join(outside, "gitignore"), join(root, ".gitignore"));
    mkdirSync(join(root, "nginx", "snippets"), { recursive: true });
    symlinkSync(join(outside, "gitignore"), join(root, "nginx", "snippets", "custom.conf"));
    const actions = planWrites(root, kit, { force: true });
    expect(actions.find((a) => a.path === ".gitignore")).toMatchObject({ status: "refused", reason: "is a symbolic link" });
    expect(actions.find((a) => a.path === "nginx/snippets/custom.conf")!.status).toBe("kept");
  });

  it("refuses when a file stands where a folder is needed, without crashing", () => {
    const root = temp();
    writeFileSync(join(root, "scripts"), "not a folder\n");
    const actions = planWrites(root, kit, { force: true });
    expect(actions.find((a) => a.path === "scripts/backup-db.sh")).toMatchObject({ status: "refused", reason: "scripts is a file where a folder is needed" });
  });
});

describe("all or nothing", () => {
  it("a failure while staging leaves no file, no temporary copy and no new folder behind", () => {
    const root = temp();
    // A folder named like the target makes staging fail at the last file.
    const files = [...kit.filter((f) => f.owner === "generated"), file("zz/last.txt", "x\n")];
    mkdirSync(join(root, "zz"));
    writeFileSync(join(root, "zz", "last.txt"), "old\n");
    const actions = planWrites(root, files, { force: true });
    rmSync(join(root, "zz"), { recursive: true });
    writeFileSync(join(root, "zz"), "now a file\n");
    expect(() => applyWrites(root, actions)).toThrow(/could not write zz\b.*; nothing was written$/);
    expect(readdirSync(root)).toEqual(["zz"]);
  });

  // A fast disk stages the whole kit before the event loop turns (the signal is noticed while the
  // files sync); a slow one lets it turn between slices of staging (a slice of 0: after each file).
  it.each([
    ["a whole kit at once", "undefined"],
    ["a slice per file, as on a slow disk", "0n"],
  ])("Ctrl-C while staging (%s): nothing replaced, staged copies and new folders removed; after staging: every file in place", (_, slice) => {
    const script = `
      import { applyWritesInterruptibly, planWrites } from ${JSON.stringify(sourceModule("src/writer.ts"))};
      import { readdirSync, writeFileSync } from "node:fs";
      const [root, when] = process.argv.slice(1);
      writeFileSync(root + "/f0.txt", "old\\n");
      const files = Array.from({ length: 120 }, (_, i) => ({ path: (i ? "d" + (i % 5) + "/" : "") + "f" + i + ".txt", content: "new\\n", mode: 0o644, owner: "generated" }));
      const actions = planWrites(root, files, { force: true });
      if (when === "staging") setImmediate(() => process.kill(process.pid, "SIGINT"));
      const r = await applyWritesInterruptibly(root, actions, ${slice});
      console.log(JSON.stringify(r));`;
    for (const [when, expected] of [
      ["staging", { interrupted: "SIGINT", written: false }],
      ["never", { written: true }],
    ] as const) {
      const root = temp();
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", script, root, when], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout)).toEqual(expected);
      const entries = readdirSync(root, { recursive: true }).map(String);
      expect(entries.filter((e) => e.includes(".prod-kit-"))).toEqual([]);
      if (when === "staging") {
        expect(entries).toEqual(["f0.txt"]);
        expect(readFileSync(join(root, "f0.txt"), "utf8")).toBe("old\n");
      } else {
        expect(entries.filter((e) => e.endsWith(".txt"))).toHaveLength(120);
        expect(readFileSync(join(root, "f0.txt"), "utf8")).toBe("new\n");
      }
    }
  });
});
