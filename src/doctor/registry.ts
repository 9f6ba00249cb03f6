// Every check, in the order the report lists them. An id, once published (README, checklist
// markers, --json), stays: tools and checklists match on it.
import { databaseChecks } from "./checks-database.js";
import { djangoChecks } from "./checks-django.js";
import { gitChecks } from "./checks-git.js";
import { kitChecks } from "./checks-kit.js";
import { opsChecks } from "./checks-ops.js";
import { processChecks } from "./checks-processes.js";
import { redisChecks } from "./checks-redis.js";
import { webChecks } from "./checks-web.js";
import type { Check } from "./finding.js";

export const CHECKS: Check[] = [
  ...djangoChecks,
  ...databaseChecks,
  ...processChecks,
  ...redisChecks,
  ...webChecks,
  ...gitChecks,
  ...opsChecks,
  ...kitChecks,
];
