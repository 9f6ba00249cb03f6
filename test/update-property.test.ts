// Property: whatever a user does between updates (edit lines of the kit's files, delete files,
// change the answers) no line they wrote is ever lost without a conflict marker keeping it, and an
// update with nothing new writes nothing. Runs the same planning and writing code as the CLI.
import fc from "fast-check";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { COMBOS } from "./helpers/kit.js";
import { anyStackApp, answersFor } from "./helpers/any-stack-app.js";
import { planKit } from "../src/commands/generate.js";
import { detectRepo } from "../src/detect/repo.js";
import { PLATFORMS, STACKS, type PlatformId, type StackId } from "../src/answers.js";
import { applyWrites, CHANGES, removeUnusedBases } from "../src/writer.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 500);
const app = anyStackApp();
afterAll(() => rmSync(app, { recursive: true, force: true }));

type Op =
  | { kind: "edit"; file: number; at: number; replace: boolean }
  | { kind: "delete"; file: number }
  | { kind: "answers"; platform: PlatformId; stack: StackId; healthPath: string }
  | { kind: "update" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("edit" as const), file: fc.nat(), at: fc.double({ min: 0, max: 1, noNaN: true }), replace: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), file: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("answers" as const),
      platform: fc.constantFrom(...PLATFORMS),
      stack: fc.constantFrom(...STACKS),
      healthPath: fc.constantFrom("/healthz", "/health/", "/status"),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: "update" as const }) },
);

/** One update, as the CLI does it: plan against the disk and .prod-kit/, then write all of it. */
function plan(root: string, answers: ReturnType<typeof answersFor>) {
  const answersFile = existsSync(join(root, "prod-kit.yaml")) ? readFileSync(join(root, "prod-kit.yaml"), "utf8") : undefined;
  return planKit(root, answers, detectRepo(root), { force: false, recreate: false, merge: true, answersFile }).actions;
}

function update(root: string, answers: ReturnType<typeof answersFor>) {
  const actions = plan(root, answers);
  applyWrites(root, actions);
  removeUnusedBases(root);
  return actions;
}

let sequences = 0;
let updates = 0;
let conflicts = 0;

describe("update never loses a user's line", () => {
  it(`holds for ${RUNS} random sequences of edits, deletions, answer changes and updates`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COMBOS),
        fc.array(opArb, { minLength: 1, maxLength: 8 }),
        (start, ops) => {
          const root = mkdtempSync(join(tmpdir(), "prop-"));
          try {
            cpSync(app, root, { recursive: true });
            let answers = answersFor(root, start.platform, start.stack, "/healthz");
            update(root, answers);
            // Lines the user wrote, and the file each lives in.
            const mine = new Map<string, string>();
            let n = 0;
            const editable = () =>
              Object.keys(JSON.parse(readFileSync(join(root, ".prod-kit/manifest.json"), "utf8")).files)
                .filter((p) => p !== ".gitignore" && existsSync(join(root, p)))
                .sort();
            for (const op of [...ops, { kind: "update" } as Op]) {
              if (op.kind === "edit" || op.kind === "delete") {
                const files = editable();
                if (files.length === 0) continue;
                const path = files[op.file % files.length]!;
                const full = join(root, path);
                if (op.kind === "delete") {
                  rmSync(full);
                  for (const [m, p] of mine) if (p === path) mine.delete(m);
                  continue;
                }
                const lines = readFileSync(full, "utf8").split("\n");
                const at = Math.min(lines.length - 1, Math.floor(op.at * lines.length));
                const marker = `#@user-${++n}`;
                if (op.replace) {
                  for (const [m, p] of mine) if (p === path && lines[at] === m) mine.delete(m);
                  lines[at] = marker;
                } else lines.splice(at, 0, marker);
                writeFileSync(full, lines.join("\n"));
                mine.set(marker, path);
              } else if (op.kind === "answers") {
                answers = answersFor(root, op.platform, op.stack, op.healthPath);
              } else {
                const actions = update(root, answers);
                updates++;
                conflicts += actions.filter((a) => a.status === "conflict").length;
                for (const [marker, path] of mine) {
                  const text = existsSync(join(root, path)) ? readFileSync(join(root, path), "utf8") : "";
                  expect(text.split("\n"), `${marker} lost from ${path} after ${JSON.stringify(ops)}`).toContain(marker);
                }
                // Nothing new: nothing written.
                const again = plan(root, answers);
                expect(again.filter((a) => CHANGES.includes(a.status)).map((a) => `${a.path}: ${a.status}`)).toEqual([]);
              }
            }
            sequences++;
          } finally {
            rmSync(root, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: RUNS },
    );
    console.log(`update property: ${sequences} sequences, ${updates} updates, ${conflicts} conflicts left marked, no line lost`);
    expect(sequences).toBe(RUNS);
  }, 600_000);
});

describe("round trip: switch platform and stack, and back", () => {
  const SHARED_FILES = ["Dockerfile", ".dockerignore", "gunicorn.conf.py", ".env.production.example", "scripts/backup-db.sh", "docs/RUNBOOK.md", "docs/PRODUCTION_CHECKLIST.md"];
  let trips = 0;
  let clean = 0;
  it.each(COMBOS)("$platform × $stack keeps the user's edits to the files both kits have", ({ platform, stack }) => {
    const root = mkdtempSync(join(tmpdir(), "trip-"));
    try {
      cpSync(app, root, { recursive: true });
      const home = answersFor(root, platform, stack);
      update(root, home);
      for (const path of SHARED_FILES) {
        const lines = readFileSync(join(root, path), "utf8").split("\n");
        lines.splice(Math.floor(lines.length / 2), 0, `# kept through the trip: ${path}`);
        writeFileSync(join(root, path), lines.join("\n"));
      }
      const away = answersFor(root, PLATFORMS[(PLATFORMS.indexOf(platform) + 1) % PLATFORMS.length]!, STACKS[(STACKS.indexOf(stack) + 1) % STACKS.length]!);
      const there = update(root, away);
      const back = update(root, home);
      for (const path of SHARED_FILES) expect(readFileSync(join(root, path), "utf8"), path).toContain(`# kept through the trip: ${path}`);
      trips++;
      if (![...there, ...back].some((a) => a.status === "conflict")) clean++;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  afterAll(() => console.log(`round trips: ${trips} of ${COMBOS.length} kept every edit (${clean} without any conflict)`));
});
