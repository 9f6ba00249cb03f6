// prod-kit.yaml: the answers of this repository, so `update` needs no questions. Built and edited
// as a YAML document (comments survive the tool's own edits); read back through the answers schema.
import { Document, isMap, isScalar, parseDocument, type Pair, type YAMLMap } from "yaml";
import { ANSWER_HELP, AnswersError, answersSchema, type Answers, type Issue } from "./answers.js";

export const ANSWERS_FILE = "prod-kit.yaml";
/** The tool version that last wrote the kit. */
const VERSION_KEY = "kitVersion";

const HEADER = [
  " create-prod-kit answers for this repository. Edit a value and run `npx create-prod-kit update`:",
  " the kit is regenerated and your own edits to its files are kept (3-way merge). No secrets here.",
];

/** Answers in the schema's key order, without unset optional ones. */
function ordered(answers: Answers): [keyof Answers, unknown][] {
  return (Object.keys(answersSchema.shape) as (keyof Answers)[]).filter((k) => answers[k] !== undefined).map((k) => [k, answers[k]]);
}

/**
 * The file's text for these answers. An existing file is edited in place (values changed, keys
 * added or dropped) so the user's comments and order stay; a new one gets a comment per key.
 */
export function answersFileText(answers: Answers, version: string, existing?: string): string {
  const doc = existing !== undefined ? parseDocument(existing) : undefined;
  if (doc && doc.errors.length === 0 && isMap(doc.contents)) {
    const map = doc.contents as YAMLMap;
    const wanted = new Map<string, unknown>([[VERSION_KEY, version], ...ordered(answers)]);
    const before = JSON.stringify(doc.toJS());
    for (const item of [...map.items] as Pair[]) {
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
      if (!wanted.has(key)) map.delete(key);
    }
    for (const [key, value] of wanted) {
      const current = map.get(key, true);
      // A scalar is changed in place, so a comment on its line stays with it.
      if (isScalar(current) && (value === null || typeof value !== "object")) {
        if (current.value !== value) current.value = value;
      } else if (!map.has(key) || JSON.stringify(doc.toJS()[key]) !== JSON.stringify(value)) {
        map.set(key, doc.createNode(value));
      }
    }
    // Unchanged answers leave the user's file byte for byte as it was.
    return JSON.stringify(doc.toJS()) === before ? existing! : doc.toString({ lineWidth: 0 });
  }
  const fresh = new Document({ [VERSION_KEY]: version, ...Object.fromEntries(ordered(answers)) });
  fresh.commentBefore = HEADER.join("\n");
  for (const pair of (fresh.contents as YAMLMap).items as Pair[]) {
    const key = String((pair.key as { value: unknown }).value) as keyof Answers;
    if (isScalar(pair.key)) pair.key.commentBefore = ` ${key === (VERSION_KEY as string) ? "create-prod-kit version that last wrote the kit." : ANSWER_HELP[key]}`;
  }
  return fresh.toString({ lineWidth: 0 });
}

export interface AnswersFile {
  raw: Record<string, unknown>;
  version?: string;
}

/** Reads prod-kit.yaml's answers (unvalidated values; the schema checks them with the rest). */
export function parseAnswersFile(text: string): AnswersFile {
  const doc = parseDocument(text, { prettyErrors: true });
  const problems: Issue[] = doc.errors.map((e) => ({ path: ANSWERS_FILE, message: `not valid YAML: ${e.message.split("\n")[0]}` }));
  if (problems.length) throw new AnswersError(problems);
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new AnswersError([{ path: ANSWERS_FILE, message: "must be a mapping of answer: value (see create-prod-kit --help)" }]);
  }
  const raw: Record<string, unknown> = {};
  const known = Object.keys(answersSchema.shape);
  for (const [key, value] of Object.entries(data)) {
    if (key === VERSION_KEY) continue;
    if (!known.includes(key)) problems.push({ path: `${ANSWERS_FILE}: ${key}`, message: `unknown key; the keys are ${known.join(", ")}` });
    else raw[key] = value;
  }
  if (problems.length) throw new AnswersError(problems);
  const version = (data as Record<string, unknown>)[VERSION_KEY];
  return { raw, version: typeof version === "string" ? version : undefined };
}
