// Version specifiers as Python packaging writes them (PEP 440: ">=3.10,<3.13", "~=4.2", "==3.2.*")
// and as Poetry writes them ("^3.11", "~3.11", "a || b"), evaluated as predicates on a version.

export type Version = number[];

export function parseVersion(text: string): Version | undefined {
  return /^\d+(\.\d+)*$/.test(text) ? text.split(".").map(Number) : undefined;
}

export function compare(a: Version, b: Version): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** One clause of a PEP 440 / Poetry specifier as a predicate on a full version. */
function clause(raw: string): ((v: Version) => boolean) | undefined {
  const m = /^(===|==|!=|~=|>=|<=|>|<|\^|~)?\s*v?([0-9.]+)(\.\*)?$/.exec(raw.trim());
  if (!m) return undefined;
  const op = m[1] ?? "==";
  const base = parseVersion(m[2]!.replace(/\.$/, ""));
  if (!base) return undefined;
  const wildcard = Boolean(m[3]) || (op === "==" && !m[1] && base.length < 3);
  const prefixMatch = (v: Version) => base.every((n, i) => v[i] === n);
  const upTo = (len: number): Version => {
    // The first version beyond the prefix of `len` parts: ~=3.11.2 → 3.12, ^3.11 → 4.0.
    const head = base.slice(0, len);
    head[head.length - 1]! += 1;
    return head;
  };
  switch (op) {
    case "==":
    case "===":
      return wildcard ? prefixMatch : (v) => compare(v, base) === 0;
    case "!=":
      return wildcard ? (v) => !prefixMatch(v) : (v) => compare(v, base) !== 0;
    case ">=":
      return (v) => compare(v, base) >= 0;
    case "<=":
      return (v) => compare(v, base) <= 0;
    case ">":
      return (v) => compare(v, base) > 0;
    case "<":
      return (v) => compare(v, base) < 0;
    case "~=":
      return (v) => compare(v, base) >= 0 && compare(v, upTo(Math.max(1, base.length - 1))) < 0;
    case "^": {
      // Poetry: ^3.11 allows >=3.11,<4.0 (the first non-zero part may not change).
      const len = base.findIndex((n) => n !== 0) + 1 || base.length;
      return (v) => compare(v, base) >= 0 && compare(v, upTo(len)) < 0;
    }
    case "~":
      // Poetry: ~3.11 allows >=3.11,<3.12; ~3 allows >=3,<4.
      return (v) => compare(v, base) >= 0 && compare(v, upTo(Math.min(2, base.length))) < 0;
  }
  return undefined;
}

/** A predicate for a whole specifier, or undefined when it does not parse. An empty one allows all. */
export function specifierPredicate(spec: string): ((v: Version) => boolean) | undefined {
  if (spec.trim() === "" || spec.trim() === "*") return () => true;
  // Poetry's `||` alternatives; PEP 440's commas (and Poetry's spaces) join clauses.
  const alternatives = spec.split("||").map((alt) => alt.split(/,|\s+(?=[<>=!~^])/).filter((c) => c.trim()));
  const preds = alternatives.map((alt) => alt.map(clause));
  if (preds.some((alt) => alt.length === 0 || alt.some((p) => !p))) return undefined;
  return (v) => preds.some((alt) => alt.every((p) => p!(v)));
}
