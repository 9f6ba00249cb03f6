// docs/PRODUCTION_CHECKLIST.md's items that name a check (`<!-- doctor:ID -->`, or several ids
// separated by commas): matched by id, never by wording, so edited or translated items still map.
import type { CheckStatus } from "./runner.js";

export const CHECKLIST_FILE = "docs/PRODUCTION_CHECKLIST.md";
const ITEM = /^\s*[-*] \[[ xX]\] (.*?)\s*<!--\s*doctor:\s*([\w,\s-]+?)\s*-->\s*$/;

export interface ChecklistItem {
  line: number;
  /** The item's text without the marker, shortened to one line. */
  text: string;
  ids: string[];
  /** fail when any of its checks failed; hint when one can only be checked by hand; skip when none applies. */
  status: CheckStatus | "unknown";
  /** The check passed: tick the item. */
  ticked: boolean;
}

const shorten = (s: string, max = 100): string => (s.length <= max ? s : `${s.slice(0, s.lastIndexOf(" ", max - 1))} ...`);

export function checklistItems(text: string, statusOf: (id: string) => CheckStatus | undefined): ChecklistItem[] {
  return text.split("\n").flatMap((line, i) => {
    const m = ITEM.exec(line);
    if (!m) return [];
    const ids = m[2]!.split(",").map((s) => s.trim()).filter(Boolean);
    const statuses = ids.map(statusOf);
    const status: ChecklistItem["status"] = statuses.includes(undefined)
      ? "unknown"
      : statuses.includes("fail")
        ? "fail"
        : statuses.includes("hint")
          ? "hint"
          : statuses.every((s) => s === "skip")
            ? "skip"
            : "pass";
    return [{ line: i + 1, text: shorten(m[1]!), ids, status, ticked: status === "pass" }];
  });
}
