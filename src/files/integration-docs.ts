// The runbook's and checklist's lines for the integrations in the Plan: where each key comes from,
// the webhook URL to register on the public domain and how to verify it, rotation, checks. The text
// lives with each integration (src/integrations/); this resolves it for the app's variable names.
import { integrationSpec, varSpec } from "../integrations/index.js";
import type { DocsNames } from "../integrations/spec.js";
import type { Plan, PlanIntegration } from "../plan.js";

export interface IntegrationDocs {
  title: string;
  /** Markdown: why the kit thinks the app uses it. */
  found: string;
  /** Runbook bullets (Markdown, without the dash). */
  runbook: string[];
  /** Checklist items (Markdown, without the checkbox). */
  checklist: string[];
  /** It has a webhook to register. */
  webhook: boolean;
}

function names(integration: PlanIntegration): DocsNames {
  const entry = (standard: string) => integration.env.find((v) => v.standard === standard);
  return {
    of: (standard) => entry(standard)?.name ?? standard,
    has: (standard) => entry(standard) !== undefined,
    readAt: (standard) => entry(standard)?.readAt,
  };
}

function webhookUrl(plan: Plan, integration: PlanIntegration): string {
  const route = integration.webhook;
  if (!route) return `\`https://${plan.domain}/…\` (the path your app receives it on)`;
  const where = route.complete ? `the route in \`${route.at}\`` : `the route in \`${route.at}\`, after the prefix under which that file's routes are mounted`;
  return `\`https://${plan.domain}${route.path}\` (${where})`;
}

export function integrationDocs(plan: Plan): IntegrationDocs[] {
  return plan.integrations
    .filter((i) => !i.builtIn)
    .map((integration) => {
      const spec = integrationSpec(integration.id);
      const n = names(integration);
      const keys = integration.env.map((v) => {
        const where = varSpec(spec, v.standard)?.where;
        const read = v.readAt ? ` Your code reads it in \`${v.readAt}\`.` : "";
        return `\`${v.name}\`: ${where ?? "a variable your code reads; set it as your code expects."}${where ? read : read.replace(" Your code reads it", " Read")}`;
      });
      const webhook = spec.webhook && (integration.webhook || !spec.webhook.optional)
        ? [`Webhook: ${spec.webhook.register(webhookUrl(plan, integration))}`, `Verify each delivery: ${spec.webhook.verify(n)}`]
        : [];
      const found = [
        ...(integration.package ? [`\`${integration.package}\` in the dependencies`] : []),
        ...(integration.at ? [`\`${integration.at}\``] : []),
      ].join(", ");
      return {
        title: spec.title,
        found,
        runbook: [...keys, ...webhook, ...(spec.notes?.(n) ?? []), `Rotation: ${spec.rotation(n)}`],
        checklist: spec.checklist(n),
        webhook: webhook.length > 0,
      };
    });
}
