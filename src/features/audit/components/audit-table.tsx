import { ScrollText } from "lucide-react";
import { Badge, type Tone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TBody, TD, TH, THead } from "@/components/ui/table";
import type { AuditActor, AuditEntry } from "@/lib/contract/auth";
import { formatPreciseDateTime } from "@/lib/format";
import { actorKind, describeEntry, describeTarget } from "../describe";

const kindTone: Record<AuditActor["type"], Tone> = {
  user: "info",
  token: "warning",
  local: "neutral",
  system: "neutral",
};

/** Audit entries, newest first: when, who (with what kind of actor), what in words, on what, from where. */
export function AuditTable({ entries, label, emptyText }: { entries: AuditEntry[]; label: string; emptyText: string }) {
  if (entries.length === 0) {
    return (
      <EmptyState icon={ScrollText} title="Nothing recorded">
        {emptyText}
      </EmptyState>
    );
  }
  return (
    <Table label={label}>
      <THead>
        <tr>
          <TH>Time</TH>
          <TH>Who</TH>
          <TH>What</TH>
          <TH>Target</TH>
          <TH>Address</TH>
        </tr>
      </THead>
      <TBody>
        {entries.map((entry) => (
          <tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
            <TD className="whitespace-nowrap tabular-nums">
              <time dateTime={entry.at}>{formatPreciseDateTime(entry.at)}</time>
            </TD>
            <TD>
              <span className="flex flex-wrap items-center gap-1.5">
                <span className="font-medium text-slate-900">{entry.actor.name}</span>
                <Badge tone={kindTone[entry.actor.type] ?? "neutral"}>{actorKind(entry.actor)}</Badge>
              </span>
            </TD>
            <TD className="min-w-[16rem] break-words">{describeEntry(entry)}</TD>
            <TD className="whitespace-nowrap text-slate-600">
              <span title={entry.target.id ?? undefined}>{describeTarget(entry)}</span>
            </TD>
            <TD className="whitespace-nowrap font-mono text-xs text-slate-600">{entry.address ?? "—"}</TD>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
