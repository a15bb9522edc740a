"use client";

import { Download } from "lucide-react";
import { useState } from "react";
import { LoadError } from "@/components/app/load-error";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { LoadingBlock } from "@/components/ui/skeleton";
import type { AuditFilter, AuditPage, AuditQuery } from "@/lib/client/endpoints";
import { AUDIT_ACTIONS, type AuditAction } from "@/lib/contract/auth";
import { ACTION_LABELS, actorKind } from "../describe";
import { useAuditTrail, useKnownActors } from "../hooks/use-audit-trail";
import { AuditTable } from "./audit-table";

const downloadClass =
  "inline-flex h-10 items-center justify-center gap-2 rounded-md border border-slate-300 bg-white px-4 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-500";

/**
 * A trail with its filters (action, actor), "Load more" and "Export CSV" (the same filter as a file). `source` names
 * what is shown (null: nothing to ask yet); `load` and `csvUrl` are its two routes.
 */
export function AuditTrail({
  source,
  load,
  csvUrl,
  label,
  emptyText,
}: {
  source: string | null;
  load: (query: AuditQuery) => Promise<AuditPage>;
  csvUrl: (filter: AuditFilter) => string;
  label: string;
  emptyText: string;
}) {
  const [action, setAction] = useState<AuditAction | "">("");
  const [actor, setActor] = useState("");
  const filter: AuditFilter = { action: action || null, actor: actor || null };
  const trail = useAuditTrail(source, load, filter);
  const actors = useKnownActors(source, trail.entries);
  const filtered = action !== "" || actor !== "";

  return (
    <div className="space-y-4">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="grid gap-3 sm:grid-cols-2" role="group" aria-label="Filters">
          <SelectField
            label="Action"
            name="action"
            value={action}
            onChange={(e) => setAction(e.target.value as AuditAction | "")}
            className="sm:w-56"
          >
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {ACTION_LABELS[a]}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Actor"
            name="actor"
            value={actor}
            onChange={(e) => setActor(e.target.value)}
            className="sm:w-56"
          >
            <option value="">Everyone</option>
            {actors.map((a) => (
              <option key={a.id} value={a.id ?? ""}>
                {a.name} ({actorKind(a)})
              </option>
            ))}
          </SelectField>
        </div>
        <a href={csvUrl(filter)} download className={downloadClass}>
          <Download className="h-4 w-4" aria-hidden="true" />
          Export CSV
        </a>
      </div>

      {trail.loading ? (
        <LoadingBlock label="Loading the trail…" lines={4} />
      ) : trail.error && trail.entries.length === 0 ? (
        <LoadError title="Could not load the trail" message={trail.error.message} onRetry={trail.retry} />
      ) : (
        <>
          <AuditTable
            entries={trail.entries}
            label={label}
            emptyText={filtered ? "No entry matches these filters." : emptyText}
          />
          {trail.error && <LoadError title="Could not load more" message={trail.error.message} onRetry={trail.retry} />}
          {trail.hasMore && (
            <div className="flex justify-center">
              <Button variant="secondary" onClick={trail.loadMore} loading={trail.loadingMore}>
                Load more
              </Button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
