"use client";

import { type FormEvent, useRef, useState } from "react";
import { Breadcrumbs } from "@/components/app/breadcrumbs";
import { NotFound } from "@/components/app/not-found";
import { PageHeader } from "@/components/app/page-header";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { SelectField, TextField } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";
import { createBatch } from "@/lib/client/endpoints";
import { toApiError } from "@/lib/client/errors";
import { projectPath, projectsPath } from "@/lib/client/paths";
import { steerRefusal, UPLOAD_DENIED } from "@/lib/client/permissions";
import { useAppConfig } from "@/lib/client/use-app-config";
import type { CreateBatchResult } from "@/lib/contract/responses";
import { plural } from "@/lib/format";
import { useBatchProject } from "../hooks/use-batches";
import {
  batchNameFromFile,
  type CsvPreview,
  guessGoalColumn,
  guessIdColumn,
  guessUrlColumn,
  looksLikeUrl,
  previewFile,
} from "../lib/csv-preview";
import {
  emptyGoalAgentForm,
  type GoalAgentForm,
  goalAgentProblems,
  goalAgentRequest,
  hasProblems,
} from "../lib/goal-agent-form";
import { BatchCreated } from "./batch-created";
import { CsvDropzone } from "./csv-dropzone";
import { CsvPreviewTable } from "./csv-preview-table";
import { type Engine, EngineChoice } from "./engine-choice";
import { GoalAgentSettings } from "./goal-agent-settings";

const AUTO = "";

/** New batch: pick or drop a CSV, preview it, choose its columns, name it, create it, see what was accepted. */
export function NewBatchView({ projectId }: { projectId: string }) {
  const project = useBatchProject(projectId);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const [urlColumn, setUrlColumn] = useState(AUTO);
  const [goalColumn, setGoalColumn] = useState("");
  const [idColumn, setIdColumn] = useState("");
  const [name, setName] = useState("");
  const autoName = useRef("");
  const [engine, setEngine] = useState<Engine>("browser");
  const [agentForm, setAgentForm] = useState<GoalAgentForm>(emptyGoalAgentForm);
  // Problems of the agent's settings are shown from the first attempt to create the batch, then as they are fixed.
  const [showProblems, setShowProblems] = useState(false);
  const config = useAppConfig();
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const sending = useRef(false);
  const [result, setResult] = useState<CreateBatchResult | null>(null);

  async function chooseFile(chosen: File) {
    setFile(chosen);
    setSubmitError(null);
    setFileError(null);
    setPreviewError(null);
    setPreview(null);
    if (!name || name === autoName.current) {
      autoName.current = batchNameFromFile(chosen.name);
      setName(autoName.current);
    }
    if (chosen.size === 0) {
      setPreviewError("This file is empty. Choose a CSV with a header row and at least one row.");
      return;
    }
    setReading(true);
    try {
      const parsed = await previewFile(chosen);
      if (parsed.columns.length === 0) {
        setPreviewError("No rows were found in this file. Is it a CSV with a header row?");
        return;
      }
      setPreview(parsed);
      setUrlColumn(guessUrlColumn(parsed) ?? AUTO);
      setGoalColumn(guessGoalColumn(parsed.columns) ?? "");
      setIdColumn(guessIdColumn(parsed.columns) ?? "");
    } catch {
      setPreviewError("This file could not be read. Save it as a CSV (UTF-8) and try again.");
    } finally {
      setReading(false);
    }
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (sending.current || steerRefusal(project.data?.role)) return;
    if (!file) {
      setFileError("Choose a CSV file first.");
      return;
    }
    if (engine === "agent") {
      setShowProblems(true);
      if (!goalColumn || hasProblems(goalAgentProblems(agentForm))) return;
    }
    sending.current = true;
    setSaving(true);
    setSubmitError(null);
    try {
      const created = await createBatch(projectId, {
        file,
        name: name.trim() || batchNameFromFile(file.name),
        urlColumn: urlColumn || null,
        goalColumn: goalColumn || null,
        idColumn: idColumn || null,
        agent: engine === "agent" ? goalAgentRequest(agentForm) : { engine },
      });
      setResult(created);
    } catch (e) {
      setSubmitError(toApiError(e).message);
    } finally {
      sending.current = false;
      setSaving(false);
    }
  }

  function reset() {
    setResult(null);
    setFile(null);
    setPreview(null);
    setName("");
    autoName.current = "";
    setUrlColumn(AUTO);
    setGoalColumn("");
    setIdColumn("");
    setShowProblems(false);
  }

  if (project.error?.status === 404) return <NotFound what="project" />;

  const crumbs = [
    { label: "Projects", href: projectsPath },
    { label: project.data?.name ?? "Project", href: projectPath(projectId) },
    { label: "New batch" },
  ];

  if (result) {
    return (
      <>
        <Breadcrumbs items={crumbs} />
        <PageHeader title="New batch" />
        <BatchCreated projectId={projectId} result={result} onAnother={reset} />
      </>
    );
  }

  const columns = preview?.columns ?? [];
  const urlIndex = urlColumn ? columns.indexOf(urlColumn) : -1;
  const previewWithoutUrl =
    preview && urlIndex >= 0 ? preview.rows.filter((r) => !looksLikeUrl(r[urlIndex] ?? "")).length : 0;
  const agentChosen = engine === "agent";
  const goalMissing = agentChosen && !goalColumn;
  const agentProblems = agentChosen && showProblems ? goalAgentProblems(agentForm) : null;
  const refusal = steerRefusal(project.data?.role, UPLOAD_DENIED);

  return (
    <>
      <Breadcrumbs items={crumbs} />
      <PageHeader
        title="New batch"
        description={
          project.data ? (
            <>
              Upload a CSV to <span className="font-medium text-slate-800">{project.data.name}</span>. Nothing runs
              until you execute the batch.
            </>
          ) : (
            <Skeleton className="h-4 w-64" />
          )
        }
      />
      {refusal && (
        <Alert tone="warning" title={refusal} className="mb-6">
          Your role on this project is viewer: you can watch its runs and export their results. An admin of the project
          can make you an operator.
        </Alert>
      )}
      <form onSubmit={onSubmit} noValidate className="space-y-6" aria-label="New batch">
        <Card>
          <CardHeader>
            <h2 className="text-base font-semibold text-slate-900">1. The CSV file</h2>
          </CardHeader>
          <CardBody className="space-y-4">
            <CsvDropzone file={file} onFile={(f) => void chooseFile(f)} disabled={saving || refusal !== null} />
            {fileError && !file && (
              <p role="alert" className="text-sm text-red-700">
                {fileError}
              </p>
            )}
            {reading && (
              <div role="status" className="space-y-2">
                <span className="sr-only">Reading the file…</span>
                <Skeleton className="h-8 w-full" />
                <Skeleton className="h-8 w-full" />
              </div>
            )}
            {previewError && <Alert tone="danger">{previewError}</Alert>}
            {preview && (
              <section aria-labelledby="preview-title" className="space-y-2">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h3 id="preview-title" className="text-sm font-medium text-slate-900">
                    Preview
                  </h3>
                  <p className="text-xs text-slate-600">
                    {plural(preview.columns.length, "column")} · first {plural(preview.rows.length, "row")}
                    {preview.truncated ? " shown; the whole file is uploaded" : ""} · separated by{" "}
                    {preview.delimiter === "\t"
                      ? "tabs"
                      : preview.delimiter === ";"
                        ? "semicolons"
                        : preview.delimiter === ","
                          ? "commas"
                          : `"${preview.delimiter}"`}
                  </p>
                </div>
                <CsvPreviewTable
                  preview={preview}
                  urlColumn={urlColumn || null}
                  goalColumn={goalColumn || null}
                  idColumn={idColumn || null}
                />
              </section>
            )}
          </CardBody>
        </Card>

        {preview && (
          <>
            <Card>
              <CardHeader>
                <h2 className="text-base font-semibold text-slate-900">2. Columns</h2>
              </CardHeader>
              <CardBody className="grid gap-4 md:grid-cols-3">
                <div>
                  <SelectField
                    label="URL column"
                    value={urlColumn}
                    onChange={(e) => setUrlColumn(e.target.value)}
                    aria-describedby="url-column-hint"
                    disabled={saving}
                  >
                    <option value={AUTO}>Detect automatically</option>
                    {columns.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </SelectField>
                  <p id="url-column-hint" className="mt-1 text-xs text-slate-600">
                    {previewWithoutUrl > 0
                      ? `${plural(previewWithoutUrl, "row")} in the preview ${previewWithoutUrl === 1 ? "has" : "have"} no usable URL here and will be skipped.`
                      : "Values like example.com become https://example.com."}
                  </p>
                </div>
                <div>
                  <SelectField
                    label={agentChosen ? "Goal column" : "Goal column (optional)"}
                    value={goalColumn}
                    onChange={(e) => setGoalColumn(e.target.value)}
                    aria-describedby="goal-column-hint"
                    aria-invalid={goalMissing && showProblems ? true : undefined}
                    disabled={saving}
                  >
                    <option value="">None</option>
                    {columns.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </SelectField>
                  <p
                    id="goal-column-hint"
                    className={cn("mt-1 text-xs", goalMissing ? "text-amber-900" : "text-slate-600")}
                    data-testid="goal-column-hint"
                  >
                    {goalMissing
                      ? "The goal-driven agent needs one: choose the column that says what to find on each page."
                      : "What the agent should do on each page."}
                  </p>
                </div>
                <div>
                  <SelectField
                    label="ID column (optional)"
                    value={idColumn}
                    onChange={(e) => setIdColumn(e.target.value)}
                    aria-describedby="id-column-hint"
                    disabled={saving}
                  >
                    <option value="">Row number</option>
                    {columns.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </SelectField>
                  <p id="id-column-hint" className="mt-1 text-xs text-slate-600">
                    Names each row in the results.
                  </p>
                </div>
              </CardBody>
            </Card>

            <Card>
              <CardHeader>
                <h2 className="text-base font-semibold text-slate-900">3. Name and engine</h2>
              </CardHeader>
              <CardBody className="space-y-5">
                <TextField
                  label="Batch name"
                  name="name"
                  value={name}
                  maxLength={200}
                  onChange={(e) => setName(e.target.value)}
                  disabled={saving}
                  className="max-w-md"
                />
                <EngineChoice value={engine} onChange={setEngine} disabled={saving} engines={config?.engines ?? null} />
                {agentChosen && (
                  <GoalAgentSettings
                    value={agentForm}
                    onChange={setAgentForm}
                    problems={agentProblems}
                    defaultModel={config?.engines.agent.defaultModel ?? null}
                    // The instructions' {{column}} example names a column the row does not already use.
                    columns={columns.filter((c) => c !== urlColumn && c !== goalColumn && c !== idColumn)}
                    disabled={saving}
                  />
                )}
                {goalMissing && showProblems && (
                  <p role="alert" className="text-sm text-red-700">
                    Choose the goal column (step 2): the goal-driven agent pursues each row&apos;s goal.
                  </p>
                )}
              </CardBody>
            </Card>
          </>
        )}

        {submitError && (
          <Alert tone="danger" title="The batch was not created">
            {submitError}
          </Alert>
        )}

        <div className="flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">
          <Button type="submit" loading={saving} disabled={reading || !!previewError || refusal !== null}>
            {saving ? "Uploading…" : "Create batch"}
          </Button>
        </div>
      </form>
    </>
  );
}
