// Just enough of Python's lexical structure to read settings without running them: logical lines
// (brackets, strings and backslashes may span physical lines; comments are dropped), assignments,
// star imports and string literals. Doctor never runs the app's Python.

export interface LogicalLine {
  /** 1-based physical line where the statement starts. */
  line: number;
  /** Leading spaces (a tab counts as one): 0 for module-level statements. */
  indent: number;
  /** The statement's code without comments, continuation lines joined as they are. */
  code: string;
}

/** Statements of a Python file, in order. */
export function logicalLines(src: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let code = "";
  let depth = 0;
  let line = 1;
  let startLine = 1;
  const emit = () => {
    const indent = /^[ \t]*/.exec(code)![0].length;
    if (code.trim()) out.push({ line: startLine, indent, code: code.trimEnd() });
    code = "";
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "#") {
      while (i + 1 < src.length && src[i + 1] !== "\n") i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const quote = src.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      let j = i + quote.length;
      let closed = false;
      while (j < src.length) {
        if (src.startsWith(quote, j)) {
          closed = true;
          break;
        }
        if (src[j] === "\\") {
          if (src[j + 1] === "\n") line++;
          j += 2;
          continue;
        }
        if (src[j] === "\n") {
          if (quote.length === 1) break; // an unterminated one-line string ends with its line
          line++;
        }
        j++;
      }
      const end = closed ? j + quote.length : j;
      code += src.slice(i, end);
      i = end - 1;
      continue;
    }
    if (c === "\\" && src[i + 1] === "\n") {
      code += " ";
      i++;
      line++;
      continue;
    }
    if ("([{".includes(c)) depth++;
    if (")]}".includes(c)) depth = Math.max(0, depth - 1);
    if (c === "\n") {
      line++;
      if (depth === 0) {
        emit();
        startLine = line;
        continue;
      }
    }
    code += c;
  }
  emit();
  return out;
}

export interface Assignment {
  line: number;
  indent: number;
  /** The right-hand side. */
  expr: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `NAME = expr` (also annotated, `NAME: T = expr`), at any indentation. */
export function assignments(lines: LogicalLine[], name: string): Assignment[] {
  const re = new RegExp(`^${escape(name)}\\s*(?::[^=]*)?=(?!=)\\s*([\\s\\S]*)$`);
  return lines.flatMap((l) => {
    const m = re.exec(l.code.trim());
    return m ? [{ line: l.line, indent: l.indent, expr: m[1]!.trim() }] : [];
  });
}

/** Lines that change NAME in place: `NAME += ...`, `NAME.append(...)`, `NAME.extend(...)`, `NAME.insert(...)`. */
export function mutations(lines: LogicalLine[], name: string): LogicalLine[] {
  const re = new RegExp(`^${escape(name)}\\s*(\\+=|\\.(append|extend|insert)\\()`);
  return lines.filter((l) => re.test(l.code.trim()));
}

/** Module-level `from X import *`, with X as written (relative imports keep their dots). */
export function starImports(lines: LogicalLine[]): { line: number; module: string }[] {
  return lines.flatMap((l) => {
    const m = l.indent === 0 ? /^from\s+(\.*[\w.]*)\s+import\s+\*/.exec(l.code) : null;
    return m ? [{ line: l.line, module: m[1]! }] : [];
  });
}

/** Every string literal in an expression, unquoted (prefixes r, b, u, f accepted; escapes kept as written). */
export function stringLiterals(expr: string): string[] {
  return [...expr.matchAll(/(?<![\w])[rRbBuUfF]{0,2}("""|'''|"|')([\s\S]*?)\1/g)].map((m) => m[2]!);
}

/** The value of an expression that is exactly one string literal, else undefined. */
export function stringLiteral(expr: string): string | undefined {
  const m = /^[rRbBuUfF]{0,2}("""|'''|"|')([\s\S]*)\1$/.exec(expr.trim());
  return m && !m[2]!.includes(m[1]!) ? m[2] : undefined;
}

/** Test code is not what runs in production. */
export const isTestPath = (path: string): boolean => /(^|\/)(tests?|testing)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/.test(path);
