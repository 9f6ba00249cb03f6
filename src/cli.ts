// The command line: parse → detect → answers → plan → files → writer, and report. User mistakes end with
// one line per problem and exit 2, never a stack trace.
//
// Startup cost is paid on every `npx create-prod-kit`: this module imports only argument parsing
// and the version. A command's module (and everything it needs: detection, templates, the writer)
// is imported when that command runs, so `--help` and `--version` run none of it: in the bundle
// (scripts/build.mjs) such a module is initialised on its import(), and V8 compiles only the
// functions that run (src/launcher.ts keeps them in its code cache). A new command is imported the
// same way.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { helpText, parseCli, UsageError } from "./cli-args.js";
import { toolVersion } from "./package-root.js";
import { unexpectedFailure, writeOut, writeErr } from "./output.js";

export async function main(argv: string[]): Promise<number> {
  const args = await parseCli(argv);
  switch (args.command) {
    case "help":
      writeOut(helpText(args.helpFor));
      return 0;
    case "version":
      writeOut(`${toolVersion()}\n`);
      return 0;
    case "docs":
      return (await import("./commands/docs.js")).docs(args);
    case "secrets":
      return (await import("./commands/secrets.js")).secrets(args);
    case "doctor":
      return (await import("./commands/doctor.js")).doctor(args);
    default:
      return (await import("./commands/generate.js")).generate(args, args.command);
  }
}

/** The exit code and the lines to print for an error main() threw. */
async function failure(e: unknown): Promise<{ code: number; lines: string[] }> {
  // The error classes come from modules the failing command has already loaded.
  const [{ AnswersError }, { StateError }, { WriterError }] = await Promise.all([import("./answers.js"), import("./state.js"), import("./writer.js")]);
  if (e instanceof UsageError) return { code: 2, lines: e.lines.map((l) => `error: ${l}`) };
  if (e instanceof AnswersError) return { code: 2, lines: e.issues.map((i) => `error: ${i.path}: ${i.message}`) };
  if (e instanceof StateError) return { code: 2, lines: [`error: ${e.message}`] };
  if (e instanceof WriterError) return { code: 1, lines: [`error: ${e.message}`] };
  return { code: 70, lines: [unexpectedFailure(e)] };
}

/**
 * The command line as the `create-prod-kit` bin runs it (src/launcher.ts): sets process.exitCode
 * and prints errors; never rejects.
 */
export async function run(argv: string[]): Promise<void> {
  // (`create-prod-kit ... | head` closing the pipe early ends the run quietly: src/output.ts.)
  try {
    const code = await main(argv);
    process.exitCode = process.exitCode || code;
  } catch (e) {
    const { code, lines } = await failure(e);
    for (const line of lines) writeErr(`${line}\n`);
    process.exitCode = code;
  }
}

// Run when executed from the sources (`tsx src/cli.ts`), not when imported by tests or the launcher.
const isEntry = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) void run(process.argv.slice(2));
