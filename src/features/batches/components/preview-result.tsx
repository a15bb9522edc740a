"use client";

import { Badge } from "@/components/ui/badge";
import type { Preview } from "@/lib/contract/configs";
import { formatCost, formatJobDuration, formatValue } from "@/lib/format";

/**
 * What "Try on row N" gave: per field the value (and the saved config's value on that row, when it was tried too and
 * differs), the error, the step log and the screenshot.
 */
export function PreviewResult({ preview, saved }: { preview: Preview; saved: Preview | null }) {
  const values = preview.extractedData ?? {};
  const savedValues = saved?.extractedData ?? null;
  const names = [...new Set([...Object.keys(values), ...Object.keys(savedValues ?? {})])];
  const showSaved = savedValues !== null && saved !== preview;
  return (
    <section aria-label={`Preview of row ${preview.rowIndex}`} className="space-y-4" data-testid="preview-result">
      <div className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
        <Badge tone={preview.status === "completed" ? "success" : "danger"}>
          {preview.status === "completed" ? "Extracted" : "Failed"}
        </Badge>
        <span>
          Row {preview.rowIndex} · {preview.configVersion ? `version ${preview.configVersion}` : "unsaved config"} ·{" "}
          {formatJobDuration(preview.durationMs)}
          {preview.httpStatus ? ` · HTTP ${preview.httpStatus}` : ""}
          {preview.usage ? ` · ${formatCost(preview.usage.costUsd)} on ${preview.usage.model}` : ""}
        </span>
        {preview.finalUrl && (
          <span className="min-w-0 truncate font-mono text-xs text-slate-600" title={preview.finalUrl}>
            {preview.finalUrl}
          </span>
        )}
      </div>
      {preview.error && (
        <p role="alert" className="break-words rounded-md bg-red-50 px-3 py-2 text-sm text-red-900">
          {preview.error.message}
        </p>
      )}
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_auto]">
        <div className="min-w-0 space-y-4">
          {names.length > 0 && (
            <table className="w-full table-fixed text-sm">
              <thead className="text-left text-xs text-slate-600">
                <tr>
                  <th className="w-1/4 pb-1 font-medium">Field</th>
                  <th className="pb-1 font-medium">Value</th>
                  {showSaved && <th className="pb-1 font-medium">Saved config gave</th>}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {names.map((name) => {
                  const value = formatValue(values[name]);
                  const before = savedValues ? formatValue(savedValues[name]) : null;
                  return (
                    <tr key={name} data-testid={`preview-field-${name}`}>
                      <th scope="row" className="truncate py-1.5 pr-2 text-left font-medium text-slate-800">
                        {name}
                      </th>
                      <td className="break-words py-1.5 pr-2 text-slate-900">{value}</td>
                      {showSaved && (
                        <td className="break-words py-1.5 text-slate-600">
                          {before !== value ? before : <span className="text-slate-400">same</span>}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <details className="text-sm" open={preview.status === "failed"}>
            <summary className="cursor-pointer font-medium text-slate-700">Step log ({preview.steps.length})</summary>
            <ol className="mt-2 space-y-1">
              {preview.steps.map((s, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a log line's place is its identity
                <li key={i} className="flex gap-3">
                  <span className="w-14 shrink-0 text-right tabular-nums text-slate-500">
                    {(s.atMs / 1000).toFixed(1)} s
                  </span>
                  <span className="min-w-0 break-words text-slate-800">{s.step}</span>
                </li>
              ))}
            </ol>
          </details>
        </div>
        {preview.screenshot && (
          // A data URL: the screenshot exists only in this answer, nowhere to link to.
          // biome-ignore lint/performance/noImgElement: next/image cannot optimise a data URL
          <img
            src={`data:image/jpeg;base64,${preview.screenshot}`}
            alt={`The page of row ${preview.rowIndex} as the preview left it`}
            className="w-full max-w-sm rounded-md border border-slate-200"
          />
        )}
      </div>
    </section>
  );
}
