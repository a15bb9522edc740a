import { type AgentConfig, agentConfigSchema } from "@/lib/contract/agent";
import type { ConfigVersion, SavedConfig } from "@/lib/contract/configs";
import { type Doer, NOBODY, recordAudit } from "../auth/audit";
import * as repo from "../repos/agent-configs";
import { getRuntime } from "../runtime";
import { getBatchRow, refuseUnavailableEngine, toBatch } from "./service";

/**
 * A batch's agent config versions: every save is the next version and becomes the batch's current config; an
 * execution keeps the version it started with, so a save never changes a run under way.
 */

export function toConfigVersion(row: repo.AgentConfigRow): ConfigVersion {
  return {
    version: row.version,
    config: agentConfigSchema.parse(row.config),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy ?? null,
  };
}

export async function listConfigVersions(batchId: string): Promise<ConfigVersion[]> {
  await getBatchRow(batchId);
  return (await repo.listVersions(getRuntime().db, batchId)).map(toConfigVersion);
}

/**
 * Saves `config` (validated, defaults filled) as the next version, unless it equals the latest version: then the
 * latest is answered with `created: false`. The comparison and the save happen under the batch row's lock, so two
 * identical saves at once make one version, and two different ones consecutive versions.
 */
export async function saveConfig(batchId: string, config: AgentConfig, doer: Doer = NOBODY): Promise<SavedConfig> {
  refuseUnavailableEngine(config);
  const { db } = getRuntime();
  const before = await getBatchRow(batchId);
  return db.transaction(async (tx) => {
    const latest = await repo.lockLatest(tx, batchId);
    if (latest && sameConfig(latest.config, config)) {
      return {
        version: toConfigVersion(latest),
        batch: toBatch(before),
        created: false,
        message: `The config is identical to version ${latest.version}; no new version was saved`,
      };
    }
    const saved = await repo.saveNextVersion(tx, batchId, config, doer.actor);
    await recordAudit(tx, doer, {
      action: "batch.config",
      projectId: before.projectId,
      target: { type: "batch", id: batchId },
      before: latest ? { version: latest.version, ...configSummary(agentConfigSchema.parse(latest.config)) } : null,
      after: { version: saved.version, ...configSummary(config) },
    });
    return {
      version: toConfigVersion(saved),
      batch: toBatch({ ...before, agent: saved.config }),
      created: true,
      message: `Saved as version ${saved.version}`,
    };
  });
}

/** What the audit trail says of a version: enough to tell two apart at a glance. */
function configSummary(config: AgentConfig) {
  return {
    engine: config.engine,
    fields: config.fields.map((f) => f.name),
    steps: config.steps.length,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
  };
}

/** Equal as stored configs: defaults filled on both sides, key order ignored (jsonb reorders keys). */
function sameConfig(stored: Record<string, unknown>, config: AgentConfig): boolean {
  const parsed = agentConfigSchema.safeParse(stored);
  return parsed.success && canonicalJson(parsed.data) === canonicalJson(config);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
