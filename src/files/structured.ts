// Structured files are built as objects and serialised by a library, never string-templated.
// The output matches prettier's formatting, so a repo that runs prettier sees no churn.
import { Document, Scalar, visit } from "yaml";
import { file, type GeneratedFile } from "./generated-file.js";

const PRINT_WIDTH = 80;

export function yamlFile(path: string, value: unknown, header?: string): GeneratedFile {
  // YAML 1.1 rules for quoting, because docker-compose (PyYAML) still reads `no` as false; no
  // anchors, so each service reads on its own.
  const doc = new Document(value, { version: "1.1", aliasDuplicateObjects: false });
  // Digits and colons (ports like 22:22) can read as base-60 numbers in YAML 1.1: always quote them.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && /^[0-9][0-9:._-]*$/.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  if (header) doc.commentBefore = header.split("\n").map((line) => ` ${line}`).join("\n");
  return file(path, doc.toString({ lineWidth: 0, indentSeq: true, directives: false }));
}

/** JSON laid out as prettier lays it out: objects expanded, short arrays of scalars on one line. */
export function prettyJson(value: unknown): string {
  const print = (v: unknown, indent: string, prefixWidth: number): string => {
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      if (v.every((x) => x === null || typeof x !== "object")) {
        const flat = `[${v.map((x) => JSON.stringify(x)).join(", ")}]`;
        // prefixWidth counts indent and `"key": `; the trailing comma may follow.
        if (prefixWidth + flat.length + 1 <= PRINT_WIDTH) return flat;
      }
      const inner = `${indent}  `;
      return `[\n${v.map((x) => inner + print(x, inner, inner.length)).join(",\n")}\n${indent}]`;
    }
    if (v !== null && typeof v === "object") {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined);
      if (entries.length === 0) return "{}";
      const inner = `${indent}  `;
      const lines = entries.map(([k, x]) => {
        const key = `${JSON.stringify(k)}: `;
        return inner + key + print(x, inner, inner.length + key.length);
      });
      return `{\n${lines.join(",\n")}\n${indent}}`;
    }
    return JSON.stringify(v);
  };
  return `${print(value, "", 0)}\n`;
}

export function jsonFile(path: string, value: unknown): GeneratedFile {
  return file(path, prettyJson(value));
}
