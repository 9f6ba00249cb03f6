// What the end of a run says about the integrations: which were found, which variable names were
// taken from the app's code instead of the kit's, and which variables the code does not read yet.
import type { Plan } from "../plan.js";
import { integrationSpec, varSpec } from "./index.js";

export function integrationSteps(plan: Plan): string[] {
  if (!plan.integrations.length) return [];
  const steps = [
    `Integrations found: ${plan.integrations.map((i) => i.title).join(", ")}. Their variables are in .env.production.example; where to get each key, the webhooks to register and rotation are in docs/RUNBOOK.md (Integrations).`,
  ];
  const all = plan.integrations.flatMap((i) => i.env.map((v) => ({ ...v, integration: i })));
  const renamed = all.filter((v) => v.readAt && v.standard && v.name !== v.standard);
  const extra = all.filter((v) => v.readAt && !v.standard);
  if (renamed.length || extra.length) {
    const parts = [
      ...renamed.map((v) => `${v.name} (${v.readAt}) instead of ${v.standard}`),
      ...extra.map((v) => `${v.name} (${v.readAt}), which your code also reads`),
    ];
    steps.push(`Names taken from your code: ${parts.join("; ")}.`);
  }
  // Neither the code nor the library reads these: the kit names them, the app must read them.
  const unread = all.filter((v) => {
    if (v.readAt || v.integration.builtIn || v.name === plan.django?.jwtSigningKey) return false;
    return !varSpec(integrationSpec(v.integration.id), v.standard)?.libraryReads;
  });
  if (unread.length) {
    steps.push(`Your code reads none of ${unread.map((v) => v.name).join(", ")} from the environment: read them where you configure each service (e.g. os.environ["${unread[0]!.name}"]), or they stay unused.`);
  }
  return steps;
}
