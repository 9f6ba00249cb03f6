// doctor: a read-only audit of the repository as it is. Exit 1 when any finding is an error (so CI
// can gate on it), else 0; --json prints the report object and nothing else on stdout.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError, type CliArgs } from "../cli-args.js";
import { formatHuman, formatJson } from "../doctor/format.js";
import { runDoctor } from "../doctor/runner.js";
import { writeOut } from "../output.js";

export async function doctor(args: CliArgs): Promise<number> {
  const root = resolve(args.dir ?? process.cwd());
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError([`--dir: ${root} is not a directory`]);
  const report = await runDoctor(root);
  writeOut(args.json ? formatJson(report) : formatHuman(report));
  return report.summary.exitCode;
}
