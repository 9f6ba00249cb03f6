#!/usr/bin/env node
// Entry point: parse → detect → answers → plan → files → writer, and report. User mistakes end with
// one line per problem and exit 2, never a stack trace.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AnswersError } from "./answers.js";
import { helpText, parseCli, UsageError } from "./cli-args.js";
import { toolVersion } from "./commands/context.js";
import { docs } from "./commands/docs.js";
import { doctor } from "./commands/doctor.js";
import { generate } from "./commands/generate.js";
import { StateError } from "./state.js";
import { WriterError } from "./writer.js";

export async function main(argv: string[]): Promise<number> {
  const args = parseCli(argv);
  switch (args.command) {
    case "help":
      process.stdout.write(helpText(args.helpFor));
      return 0;
    case "version":
      process.stdout.write(`${toolVersion()}\n`);
      return 0;
    case "docs":
      return docs(args);
    case "doctor":
      return doctor(args);
    default:
      return generate(args, args.command);
  }
}

// Run when executed (directly, or through the npm bin symlink), not when imported by tests.
const isEntry = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  // `create-prod-kit ... | head` closes the pipe early: stop quietly instead of crashing.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = process.exitCode || code;
    },
    (e: unknown) => {
      if (e instanceof UsageError || e instanceof AnswersError || e instanceof StateError) {
        const lines = e instanceof UsageError ? e.lines : e instanceof AnswersError ? e.issues.map((i) => `${i.path}: ${i.message}`) : [e.message];
        for (const line of lines) process.stderr.write(`error: ${line}\n`);
        process.exitCode = 2;
      } else if (e instanceof WriterError) {
        process.stderr.write(`error: ${e.message}\n`);
        process.exitCode = 1;
      } else {
        process.stderr.write(`create-prod-kit failed unexpectedly: ${(e as Error).stack ?? String(e)}\n`);
        process.exitCode = 70;
      }
    },
  );
}
