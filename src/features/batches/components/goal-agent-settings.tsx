"use client";

import { Plus, Trash2 } from "lucide-react";
import { useRef } from "react";
import { Button } from "@/components/ui/button";
import { SelectField, TextAreaField, TextField } from "@/components/ui/field";
import { OUTPUT_FIELD_TYPES } from "@/lib/contract/agent";
import {
  type GoalAgentForm,
  type GoalAgentProblems,
  MAX_OUTPUT_FIELDS,
  MAX_STEPS_LIMIT,
  MAX_TIMEOUT_SECONDS,
  OUTPUT_TYPE_LABELS,
  type OutputFieldRow,
  type OutputFieldType,
} from "../lib/goal-agent-form";

/**
 * The goal-driven engine's settings in the new-batch form: the model, extra instructions, the limits of one job and
 * the answer's fields. `problems` are shown once the user has tried to create the batch.
 */
export function GoalAgentSettings({
  value,
  onChange,
  problems,
  defaultModel,
  columns,
  disabled,
}: {
  value: GoalAgentForm;
  onChange: (next: GoalAgentForm) => void;
  problems: GoalAgentProblems | null;
  defaultModel: string | null;
  /** Columns to name in the {{column}} example. */
  columns: readonly string[];
  disabled?: boolean;
}) {
  const nextKey = useRef(value.outputFields.reduce((max, f) => Math.max(max, f.key), 0) + 1);
  const set = (patch: Partial<GoalAgentForm>) => onChange({ ...value, ...patch });
  const setField = (key: number, patch: Partial<OutputFieldRow>) =>
    set({ outputFields: value.outputFields.map((f) => (f.key === key ? { ...f, ...patch } : f)) });
  const addField = () =>
    set({ outputFields: [...value.outputFields, { key: nextKey.current++, name: "", type: "string" }] });
  const removeField = (key: number) => set({ outputFields: value.outputFields.filter((f) => f.key !== key) });
  const example = columns[0] ? `{{${columns[0]}}}` : "{{column}}";

  return (
    <fieldset className="space-y-4 rounded-lg border border-slate-200 p-4" disabled={disabled}>
      <legend className="px-1 text-sm font-medium text-slate-700">Goal-driven agent</legend>
      <div className="grid gap-4 md:grid-cols-3">
        <TextField
          label="Model"
          name="model"
          value={value.model}
          maxLength={200}
          onChange={(e) => set({ model: e.target.value })}
          placeholder={defaultModel ?? "the server's LLM_MODEL"}
          hint={defaultModel ? `Blank: the server's ${defaultModel}.` : "Blank: the server's default model."}
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          label="Max steps"
          name="maxSteps"
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_STEPS_LIMIT}
          step={1}
          value={value.maxSteps}
          onChange={(e) => set({ maxSteps: e.target.value })}
          error={problems?.maxSteps}
          hint={`Actions per row before it gives up, 1 to ${MAX_STEPS_LIMIT}.`}
        />
        <TextField
          label="Timeout (seconds)"
          name="timeoutSeconds"
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_TIMEOUT_SECONDS}
          step={1}
          value={value.timeoutSeconds}
          onChange={(e) => set({ timeoutSeconds: e.target.value })}
          error={problems?.timeoutSeconds}
          hint="For one row, model calls included."
        />
      </div>
      <TextAreaField
        label="Instructions (optional)"
        name="instructions"
        value={value.instructions}
        maxLength={4000}
        rows={3}
        onChange={(e) => set({ instructions: e.target.value })}
        placeholder="e.g. Prices are in dollars; answer with the price before tax."
        hint={`Added to each row's goal. ${example} puts in the row's value of that column.`}
      />
      <div>
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h3 id="output-fields-title" className="text-sm font-medium text-slate-700">
            Answer fields (optional)
          </h3>
          <p id="output-fields-hint" className="text-xs text-slate-600">
            The answer becomes these columns of the results. None: one text answer.
          </p>
        </div>
        {value.outputFields.length > 0 && (
          <ul className="mt-2 space-y-2" aria-labelledby="output-fields-title" aria-describedby="output-fields-hint">
            {value.outputFields.map((field, i) => (
              <li key={field.key} className="flex items-end gap-2">
                <TextField
                  label={`Field ${i + 1} name`}
                  value={field.name}
                  maxLength={100}
                  onChange={(e) => setField(field.key, { name: e.target.value })}
                  placeholder={i === 0 ? "e.g. price" : undefined}
                  autoComplete="off"
                  spellCheck={false}
                  className="min-w-0 flex-1"
                />
                <SelectField
                  label={`Field ${i + 1} type`}
                  value={field.type}
                  onChange={(e) => setField(field.key, { type: e.target.value as OutputFieldType })}
                  className="w-40"
                >
                  {OUTPUT_FIELD_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {OUTPUT_TYPE_LABELS[type]}
                    </option>
                  ))}
                </SelectField>
                <Button
                  variant="ghost"
                  size="sm"
                  className="mb-1"
                  onClick={() => removeField(field.key)}
                  aria-label={`Remove field ${i + 1}${field.name.trim() ? ` (${field.name.trim()})` : ""}`}
                >
                  <Trash2 className="h-4 w-4" aria-hidden="true" />
                </Button>
              </li>
            ))}
          </ul>
        )}
        {problems?.outputFields && (
          <p role="alert" className="mt-2 text-xs text-red-700">
            {problems.outputFields}
          </p>
        )}
        <Button
          variant="secondary"
          size="sm"
          className="mt-2"
          onClick={addField}
          disabled={value.outputFields.length >= MAX_OUTPUT_FIELDS}
        >
          <Plus className="h-4 w-4" aria-hidden="true" />
          Add a field
        </Button>
      </div>
    </fieldset>
  );
}
