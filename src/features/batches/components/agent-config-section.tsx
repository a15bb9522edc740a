"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useAppConfig } from "@/lib/client/use-app-config";
import { type AgentConfig, agentConfigSchema } from "@/lib/contract/agent";
import type { Preview } from "@/lib/contract/configs";
import type { Batch } from "@/lib/contract/resources";
import { useConfigVersions, usePreview, useSaveConfig } from "../hooks/use-agent-config";
import { cleanStep, sameConfig } from "../lib/config-edit";
import { ConfigForm } from "./config-form";
import { ConfigHistory } from "./config-history";
import { PreviewResult } from "./preview-result";

/** The form's config as the server would take it: defaults filled, steps without inputs their action ignores. */
function normalised(config: AgentConfig): AgentConfig {
  return agentConfigSchema.parse({ ...config, steps: config.steps.map(cleanStep) });
}

/**
 * The batch's agent config: the current version as a form, "Try on row N" with the edited (unsaved) config, "Save as
 * version N+1", and the version history. Viewers see it read-only.
 */
export function AgentConfigSection({
  batch,
  canEdit,
  onSaved,
}: {
  batch: Batch;
  canEdit: boolean;
  onSaved: () => void;
}) {
  const versions = useConfigVersions(batch.id);
  const engines = useAppConfig()?.engines ?? null;
  const saved = batch.agent;
  const [draft, setDraft] = useState<AgentConfig>(saved);
  const [rowIndex, setRowIndex] = useState(Math.min(3, Math.max(1, batch.rowCount)));
  const preview = usePreview(batch.id);
  const saving = useSaveConfig(batch.id);
  // The saved config's answer on a row, kept when it was tried: the edited config's answer is shown beside it.
  const [savedPreview, setSavedPreview] = useState<Preview | null>(null);

  // A saved version (here or elsewhere) becomes the form's starting point.
  useEffect(() => setDraft(saved), [saved]);

  // Unknown until the versions load: the next number is not promised before then.
  const latest = versions.data?.[0]?.version ?? null;
  const parsed = agentConfigSchema.safeParse(draft);
  const edited = !sameConfig(draft, saved);
  const invalid = parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)[0];

  async function tryRow() {
    const result = await preview.run(rowIndex, edited ? normalised(draft) : null);
    if (result?.configVersion === latest) setSavedPreview(result);
  }

  async function save() {
    const done = await saving.save(normalised(draft));
    if (!done) return;
    setSavedPreview(null);
    await versions.reload();
    onSaved();
  }

  const comparable =
    savedPreview && preview.preview && savedPreview.rowIndex === preview.preview.rowIndex ? savedPreview : null;

  return (
    <Card>
      <CardBody className="space-y-6">
        <ConfigForm value={draft} onChange={setDraft} readOnly={!canEdit} engines={engines} />

        {canEdit && (
          <div className="space-y-3 border-t border-slate-100 pt-4">
            <div className="flex flex-wrap items-end gap-3">
              <label className="text-sm font-medium text-slate-700">
                Row
                <input
                  type="number"
                  min={1}
                  max={batch.rowCount + batch.invalidRows.length}
                  value={rowIndex}
                  onChange={(e) => setRowIndex(Math.max(1, Math.round(Number(e.target.value) || 1)))}
                  className="ml-2 w-20 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
                />
              </label>
              <Button
                variant="secondary"
                onClick={tryRow}
                loading={preview.running}
                disabled={invalid !== null}
                title={invalid ?? undefined}
              >
                Try on row {rowIndex}
              </Button>
              <Button onClick={save} loading={saving.saving} disabled={!edited || invalid !== null || latest === null}>
                {latest === null ? "Save as a new version" : `Save as version ${latest + 1}`}
              </Button>
              <span className="text-sm text-slate-600">
                {edited
                  ? "Unsaved changes: Try uses them."
                  : latest === null
                    ? "The current config."
                    : `Version ${latest}, the current config.`}
              </span>
            </div>
            {invalid && <p className="text-sm text-amber-900">{invalid}</p>}
            {saving.error && (
              <Alert tone="danger" title="Not saved">
                {saving.error.message}
              </Alert>
            )}
            {saving.saved && !edited && <Alert tone="success">{saving.saved.message}</Alert>}
            {preview.error && (
              <Alert tone={preview.error.status === 429 ? "warning" : "danger"} title="The preview did not run">
                {preview.error.message}
              </Alert>
            )}
            {preview.preview && <PreviewResult preview={preview.preview} saved={comparable} />}
          </div>
        )}

        <div className="border-t border-slate-100 pt-4">
          <h3 className="text-sm font-medium text-slate-700">Version history</h3>
          {versions.error ? (
            <p className="mt-1 text-sm text-red-800">{versions.error.message}</p>
          ) : versions.data ? (
            <ConfigHistory versions={versions.data} />
          ) : (
            <Skeleton className="mt-2 h-10 w-full" />
          )}
        </div>
      </CardBody>
    </Card>
  );
}
