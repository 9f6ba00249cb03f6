// hadolint's default rules that apply to a Python app's Dockerfile, re-implemented because
// hadolint itself is not installable here. Each finding names its hadolint rule.
import { DockerfileParser, type Instruction } from "dockerfile-ast";

/** hadolint's default rules that apply to this kind of Dockerfile, as findings (empty = pass). */
export function hadolintFindings(text: string): string[] {
  const all: string[] = [];
  let ignored = new Set<string>();
  // Like hadolint, `# hadolint ignore=DL3008,DL3009` on the line above an instruction exempts it.
  const found = { push: (finding: string) => void (ignored.has(finding.split(" ")[0]!) || all.push(finding)) };
  const lines = text.split("\n");
  const instructions = DockerfileParser.parse(text).getInstructions();
  const stages: string[] = [];
  let shellHasPipefail = false;
  let workdirSet = false;
  let previous: Instruction | undefined;
  let lastUser: string | undefined;
  for (const ins of instructions) {
    const above = lines[ins.getRange().start.line - 1] ?? "";
    ignored = new Set(/^#\s*hadolint\s+ignore=([A-Z0-9,]+)\s*$/.exec(above)?.[1]?.split(",") ?? []);
    const kw = ins.getKeyword();
    const args = (ins.getArgumentsContent() ?? "").replace(/\s+/g, " ");
    if (kw === "FROM") {
      const [image = "", , alias] = args.split(" ");
      if (!stages.includes(image) && !/[:@]/.test(image)) found.push(`DL3006 untagged image ${image}`);
      if (/:latest$/.test(image)) found.push(`DL3007 latest tag ${image}`);
      if (alias) stages.push(alias);
      workdirSet = false;
      lastUser = undefined;
    }
    if (kw === "WORKDIR") workdirSet = true;
    if (kw === "SHELL" && /pipefail/.test(args)) shellHasPipefail = true;
    if (kw === "USER") lastUser = args.trim();
    if (kw === "MAINTAINER") found.push("DL4000 MAINTAINER is deprecated");
    if (kw === "ADD" && !/^https?:/.test(args)) found.push("DL3020 use COPY instead of ADD for files");
    if ((kw === "CMD" || kw === "ENTRYPOINT") && !args.trim().startsWith("[")) found.push(`DL3025 ${kw} not in exec form`);
    if (kw === "COPY") {
      const from = (ins as unknown as { getFlags(): { getName(): string; getValue(): string }[] })
        .getFlags()
        .find((f) => f.getName() === "from");
      if (from && !stages.includes(from.getValue())) found.push(`DL3022 COPY --from=${from.getValue()} is not a previous stage`);
      const dest = args.trim().split(" ").pop() ?? "";
      if (!dest.startsWith("/") && !workdirSet) found.push("DL3045 relative COPY destination without WORKDIR");
    }
    if (kw === "RUN") {
      if (previous?.getKeyword() === "RUN") found.push("DL3059 consecutive RUN instructions");
      if (/(^|[^|])\|([^|]|$)/.test(args) && !shellHasPipefail) found.push("DL4006 pipe without SHELL -o pipefail");
      if (/(^|\s)cd\s/.test(args)) found.push("DL3003 use WORKDIR instead of cd");
      if (/\bsudo\b/.test(args)) found.push("DL3004 sudo");
      if (/apt-get (-\S+ )*install/.test(args)) {
        if (!/--no-install-recommends/.test(args)) found.push("DL3015 apt-get without --no-install-recommends");
        if (!/rm -rf \/var\/lib\/apt\/lists/.test(args)) found.push("DL3009 apt lists not deleted");
        const pkgs = args.split(/apt-get (?:-\S+ )*install/)[1]!.split("&&")[0]!.trim().split(" ").filter((w) => !w.startsWith("-"));
        for (const p of pkgs) if (!p.includes("=")) found.push(`DL3008 apt package not pinned: ${p}`);
      }
      if (/\bapt\s/.test(args)) found.push("DL3027 use apt-get, not apt");
      for (const cmd of args.split(/&&|;/)) {
        // `uv pip install` is uv, not pip: hadolint's pip rules do not apply to it.
        if (!/\bpip3? install\b/.test(cmd) || /\buv pip install\b/.test(cmd)) continue;
        if (!/--no-cache-dir/.test(cmd)) found.push("DL3042 pip install without --no-cache-dir");
        const words = cmd.split(/pip3? install/)[1]!.trim().split(" ");
        for (let i = 0; i < words.length; i++) {
          const w = words[i]!.replace(/^"|"$/g, "");
          if (w === "-r" || w === "--requirement") {
            i++;
            continue;
          }
          if (!w || w.startsWith("-") || w === "." || w.startsWith("/")) continue;
          if (!/==/.test(w)) found.push(`DL3013 pip package not pinned: ${w}`);
        }
      }
    }
    previous = ins;
  }
  ignored = new Set();
  if (!lastUser || lastUser === "root" || lastUser === "0") found.push("DL3002 last USER is root");
  return all;
}

