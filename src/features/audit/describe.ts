import type { AuditAction, AuditActor, AuditEntry } from "@/lib/contract/auth";
import { formatCost, plural, shortId } from "@/lib/format";

/**
 * An audit entry in words, from its action and the values before and after (as src/server/** records them):
 * "paused", "stopped (reason: wrong file)", "changed concurrency 5 → 8". Pure, so the table, a test and any
 * later export read the same sentence. A value the entry lacks is left out rather than guessed.
 */

/** Each action's name in the filter. */
export const ACTION_LABELS: Record<AuditAction, string> = {
  "execution.start": "Run started",
  "execution.pause": "Paused",
  "execution.resume": "Resumed",
  "execution.stop": "Stopped",
  "execution.concurrency": "Concurrency changed",
  "execution.export": "Results exported",
  "execution.rerun": "Re-run started",
  "batch.create": "Batch uploaded",
  "batch.config": "Agent config saved",
  "project.create": "Project created",
  "project.delete": "Project deleted",
  "member.add": "Member added",
  "member.invite": "Invite sent",
  "member.role": "Role changed",
  "member.remove": "Member or invite removed",
  "token.create": "API token created",
  "token.revoke": "API token revoked",
  "webhook.create": "Webhook added",
  "webhook.update": "Webhook changed",
  "webhook.delete": "Webhook deleted",
  "webhook.rotate_secret": "Webhook secret rotated",
};

type Values = Record<string, unknown> | null;

const text = (values: Values, key: string): string | null => {
  const v = values?.[key];
  return typeof v === "string" && v !== "" ? v : null;
};
const count = (values: Values, key: string): number | null => {
  const v = values?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
};
const quoted = (name: string | null) => (name ? ` “${name}”` : "");
const cap = (usd: number | null) => (usd === null ? "no cap" : formatCost(usd));

export function describeEntry(entry: AuditEntry): string {
  const { before, after, reason } = entry;
  switch (entry.action) {
    case "execution.start": {
      const mode = text(after, "mode") === "test" ? "a test run" : "a production run";
      const jobs = count(after, "totalJobs");
      const concurrency = count(after, "concurrency");
      const maxCost = count(after, "maxCost");
      return [
        `started ${mode}`,
        jobs !== null ? ` of ${plural(jobs, "job")}` : "",
        concurrency !== null ? ` at concurrency ${concurrency}` : "",
        maxCost !== null ? `, spend cap ${formatCost(maxCost)}` : "",
      ].join("");
    }
    case "execution.pause":
      return "paused";
    case "execution.resume": {
      const was = before?.maxCost;
      const now = after?.maxCost;
      const capChanged = before !== null && after !== null && "maxCost" in after && was !== now;
      if (!capChanged) return "resumed";
      return now === null
        ? "resumed, lifting the spend cap"
        : `resumed, spend cap ${cap(count(before, "maxCost"))} → ${cap(count(after, "maxCost"))}`;
    }
    case "execution.stop":
      return reason ? `stopped (reason: ${reason})` : "stopped";
    case "execution.concurrency": {
      const from = count(before, "concurrency");
      const to = count(after, "concurrency");
      return from !== null && to !== null ? `changed concurrency ${from} → ${to}` : "changed concurrency";
    }
    case "execution.export": {
      const format = text(after, "format");
      return format ? `exported the results as ${format.toUpperCase()}` : "exported the results";
    }
    case "execution.rerun": {
      const rows = count(after, "totalJobs");
      const selection = text(after, "selection");
      const which = selection === "failed" || selection === "cancelled" ? ` ${selection}` : " selected";
      const parent = text(after, "parentExecutionId");
      return [
        `re-ran ${rows !== null ? plural(rows, `${which.trim()} row`) : `the${which} rows`}`,
        parent ? ` of execution ${shortId(parent)}` : "",
        after?.configEdited === true ? ` with config version ${count(after, "configVersion")}` : "",
      ].join("");
    }
    case "batch.create": {
      const rows = count(after, "rowCount");
      return `created batch${quoted(text(after, "name"))}${rows !== null ? ` (${plural(rows, "row")})` : ""}`;
    }
    case "batch.config": {
      const version = count(after, "version");
      return version !== null ? `saved agent config version ${version}` : "saved the agent config";
    }
    case "project.create":
      return `created project${quoted(text(after, "name"))}`;
    case "project.delete":
      return `deleted project${quoted(text(before, "name"))}`;
    case "member.add": {
      // Through an invite link the newcomer records their own joining; otherwise an admin added an existing account.
      if (after?.invite)
        return after.siteAdmin === true ? "joined as site admin" : `joined as ${text(after, "role") ?? "a member"}`;
      return `added ${text(after, "email") ?? "a member"}${asRole(text(after, "role"))}`;
    }
    case "member.invite":
      return `invited ${text(after, "email") ?? "someone"}${asRole(text(after, "role"))}`;
    case "member.role": {
      const who = text(after, "email") ?? text(before, "email") ?? "a member";
      const from = text(before, "role");
      const to = text(after, "role");
      return from && to ? `changed ${who}'s role ${from} → ${to}` : `changed ${who}'s role${to ? ` to ${to}` : ""}`;
    }
    case "member.remove":
      if (entry.target.type === "invite") return "cancelled an invite";
      return `removed ${text(before, "email") ?? "a member"}${text(before, "role") ? ` (${text(before, "role")})` : ""}`;
    case "token.create":
      return `created API token${quoted(text(after, "name"))}${text(after, "role") ? ` (${text(after, "role")})` : ""}`;
    case "token.revoke":
      return `revoked API token${quoted(text(before, "name"))}`;
    case "webhook.create":
      return `added webhook ${text(after, "url") ?? ""}`.trim();
    case "webhook.update":
      return describeWebhookChange(before, after);
    case "webhook.delete":
      return `deleted webhook ${text(before, "url") ?? ""}`.trim();
    case "webhook.rotate_secret":
      return `rotated the secret of webhook ${text(after, "url") ?? ""}`.trim();
    default:
      // A newer server's action this page does not know yet: its name is still better than nothing.
      return String(entry.action);
  }
}

function describeWebhookChange(before: Values, after: Values): string {
  const url = text(after, "url") ?? "";
  if (before?.enabled !== after?.enabled) return `${after?.enabled ? "enabled" : "disabled"} webhook ${url}`.trim();
  if (text(before, "url") !== text(after, "url")) return `changed a webhook's URL to ${url}`;
  return `changed the events of webhook ${url}`.trim();
}

const asRole = (role: string | null) => (role ? ` as ${role}` : "");

/** The small tag beside the actor's name. */
export function actorKind(actor: AuditActor): string {
  switch (actor.type) {
    case "user":
      return "user";
    case "token":
      return "token";
    case "local":
      return "local";
    default:
      return "fleetdeck";
  }
}

/** What the entry acted on, short: "execution 1a2b3c4d", "user 9f8e7d6c". */
export function describeTarget(entry: AuditEntry): string {
  const { type, id } = entry.target;
  return id ? `${type} ${shortId(id)}` : type;
}
