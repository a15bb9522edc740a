"use client";

import type { ConfigVersion } from "@/lib/contract/configs";
import { formatDateTime } from "@/lib/format";
import { describeConfigChange } from "../lib/config-edit";

/** Every saved version, newest first: who, when, and what changed from the one before, in a line. */
export function ConfigHistory({ versions }: { versions: ConfigVersion[] }) {
  return (
    <ol className="divide-y divide-slate-100 text-sm" aria-label="Config versions">
      {versions.map((v, i) => (
        <li
          key={v.version}
          className="flex flex-wrap gap-x-3 gap-y-0.5 py-2"
          data-testid={`config-version-${v.version}`}
        >
          <span className="w-10 shrink-0 font-medium text-slate-900">v{v.version}</span>
          <span className="w-40 shrink-0 text-slate-600">
            <time dateTime={v.createdAt}>{formatDateTime(v.createdAt)}</time>
          </span>
          <span className="w-32 shrink-0 truncate text-slate-600">{v.createdBy?.name ?? "—"}</span>
          <span className="min-w-0 flex-1 break-words text-slate-800">
            {describeConfigChange(versions[i + 1]?.config ?? null, v.config)}
          </span>
        </li>
      ))}
    </ol>
  );
}
