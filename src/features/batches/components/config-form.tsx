"use client";

import { Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import type { AgentConfig, AgentField, AgentStep } from "@/lib/contract/agent";
import type { EngineStatus } from "@/lib/contract/responses";
import { blankField, blankStep } from "../lib/config-edit";
import { EngineChoice } from "./engine-choice";

const cell =
  "block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 disabled:bg-slate-50 disabled:text-slate-700";
const STEP_ACTIONS: AgentStep["action"][] = ["click", "fill", "waitFor", "goto"];

/**
 * The agent config as a form: engine, fields with their selectors, steps, timeout and retries. `readOnly` (viewers)
 * shows the same controls, disabled. The goal-driven engine's own settings and the simulated engine's are kept as
 * they are and not edited here.
 */
export function ConfigForm({
  value,
  onChange,
  readOnly,
  engines,
}: {
  value: AgentConfig;
  onChange: (next: AgentConfig) => void;
  readOnly: boolean;
  engines: Partial<Record<AgentConfig["engine"], EngineStatus>> | null;
}) {
  const setField = (index: number, patch: Partial<AgentField>) =>
    onChange({ ...value, fields: value.fields.map((f, i) => (i === index ? { ...f, ...patch } : f)) });
  const setStep = (index: number, patch: Partial<AgentStep>) =>
    onChange({ ...value, steps: value.steps.map((s, i) => (i === index ? { ...s, ...patch } : s)) });

  return (
    <div className="space-y-5">
      <EngineChoice
        value={value.engine}
        onChange={(engine) => onChange({ ...value, engine })}
        disabled={readOnly}
        engines={engines}
      />

      <fieldset disabled={readOnly} className="min-w-0">
        <legend className="text-sm font-medium text-slate-700">Fields</legend>
        {value.fields.length === 0 ? (
          <p className="mt-1 text-sm text-slate-600">
            None: the page title, meta description, first heading, canonical URL and HTTP status are extracted.
          </p>
        ) : (
          <table className="mt-2 w-full table-fixed text-sm">
            <thead className="text-left text-xs text-slate-600">
              <tr>
                <th className="w-[22%] pb-1 font-medium">Name</th>
                <th className="pb-1 font-medium">Selector</th>
                <th className="w-[18%] pb-1 font-medium">Attribute</th>
                <th className="w-20 pb-1 font-medium">All matches</th>
                {!readOnly && <th className="w-10 pb-1" aria-label="Remove" />}
              </tr>
            </thead>
            <tbody>
              {value.fields.map((field, i) => (
                // Fields have no id of their own and keep their place in the list.
                // biome-ignore lint/suspicious/noArrayIndexKey: the position is the field's identity while editing
                <tr key={i}>
                  <td className="py-1 pr-2">
                    <input
                      aria-label={`Field ${i + 1} name`}
                      className={`${cell} w-full`}
                      value={field.name}
                      onChange={(e) => setField(i, { name: e.target.value })}
                    />
                  </td>
                  <td className="py-1 pr-2">
                    <input
                      aria-label={`Field ${i + 1} selector`}
                      className={`${cell} w-full font-mono`}
                      value={field.selector}
                      onChange={(e) => setField(i, { selector: e.target.value })}
                    />
                  </td>
                  <td className="py-1 pr-2">
                    <input
                      aria-label={`Field ${i + 1} attribute`}
                      className={`${cell} w-full`}
                      value={field.attribute}
                      onChange={(e) => setField(i, { attribute: e.target.value })}
                    />
                  </td>
                  <td className="py-1 pr-2 text-center">
                    <input
                      type="checkbox"
                      aria-label={`Field ${i + 1}: all matches`}
                      checked={field.multiple}
                      onChange={(e) => setField(i, { multiple: e.target.checked })}
                      className="h-4 w-4 rounded border-slate-300 text-indigo-600"
                    />
                  </td>
                  {!readOnly && (
                    <td className="py-1 text-right">
                      <Button
                        variant="ghost"
                        size="sm"
                        aria-label={`Remove field ${i + 1}`}
                        onClick={() => onChange({ ...value, fields: value.fields.filter((_, j) => j !== i) })}
                      >
                        <Trash2 className="h-4 w-4" aria-hidden="true" />
                      </Button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {!readOnly && (
          <Button
            variant="secondary"
            size="sm"
            className="mt-2"
            onClick={() => onChange({ ...value, fields: [...value.fields, blankField()] })}
          >
            <Plus className="h-4 w-4" aria-hidden="true" /> Add field
          </Button>
        )}
      </fieldset>

      <fieldset disabled={readOnly} className="min-w-0">
        <legend className="text-sm font-medium text-slate-700">Steps before extracting</legend>
        {value.steps.length === 0 && <p className="mt-1 text-sm text-slate-600">None: the page is read as it opens.</p>}
        <ol className="mt-2 space-y-2">
          {value.steps.map((step, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the position is the step's identity while editing
            <li key={i} className="flex flex-wrap items-center gap-2 text-sm">
              <span className="w-6 text-right tabular-nums text-slate-500">{i + 1}.</span>
              <select
                aria-label={`Step ${i + 1} action`}
                className={`${cell} w-28`}
                value={step.action}
                onChange={(e) => setStep(i, { action: e.target.value as AgentStep["action"] })}
              >
                {STEP_ACTIONS.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
              {step.action === "goto" ? (
                <input
                  aria-label={`Step ${i + 1} URL`}
                  placeholder="https://… ({{column}} works)"
                  className={`${cell} min-w-48 flex-1 font-mono`}
                  value={step.url ?? ""}
                  onChange={(e) => setStep(i, { url: e.target.value })}
                />
              ) : (
                <input
                  aria-label={`Step ${i + 1} selector`}
                  placeholder="CSS selector"
                  className={`${cell} min-w-48 flex-1 font-mono`}
                  value={step.selector ?? ""}
                  onChange={(e) => setStep(i, { selector: e.target.value })}
                />
              )}
              {step.action === "fill" && (
                <input
                  aria-label={`Step ${i + 1} value`}
                  placeholder="Text ({{column}} works)"
                  className={`${cell} w-48`}
                  value={step.value ?? ""}
                  onChange={(e) => setStep(i, { value: e.target.value })}
                />
              )}
              {!readOnly && (
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`Remove step ${i + 1}`}
                  onClick={() => onChange({ ...value, steps: value.steps.filter((_, j) => j !== i) })}
                >
                  <Trash2 className="h-4 w-4" aria-hidden="true" />
                </Button>
              )}
            </li>
          ))}
        </ol>
        {!readOnly && (
          <Button
            variant="secondary"
            size="sm"
            className="mt-2"
            onClick={() => onChange({ ...value, steps: [...value.steps, blankStep()] })}
          >
            <Plus className="h-4 w-4" aria-hidden="true" /> Add step
          </Button>
        )}
      </fieldset>

      <div className="grid max-w-md grid-cols-2 gap-4">
        <TextField
          label="Timeout (seconds)"
          type="number"
          min={1}
          max={600}
          disabled={readOnly}
          value={Math.round(value.timeoutMs / 1000)}
          onChange={(e) => onChange({ ...value, timeoutMs: Math.round(Number(e.target.value) * 1000) })}
        />
        <TextField
          label="Retries"
          type="number"
          min={0}
          max={10}
          disabled={readOnly}
          value={value.maxRetries}
          onChange={(e) => onChange({ ...value, maxRetries: Number(e.target.value) })}
        />
      </div>
    </div>
  );
}
