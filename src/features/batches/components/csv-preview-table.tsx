import { Badge } from "@/components/ui/badge";
import { Table, TBody, TD, TH, THead } from "@/components/ui/table";
import type { CsvPreview } from "../lib/csv-preview";

/** The first rows of the chosen file as the browser read them, the chosen columns marked. */
export function CsvPreviewTable({
  preview,
  urlColumn,
  goalColumn,
  idColumn,
}: {
  preview: CsvPreview;
  urlColumn: string | null;
  goalColumn: string | null;
  idColumn: string | null;
}) {
  const role = (column: string) =>
    column === urlColumn ? "URL" : column === goalColumn ? "Goal" : column === idColumn ? "ID" : null;
  return (
    <Table label={`Preview of the first ${preview.rows.length} rows`} className="max-h-96 overflow-y-auto">
      <THead className="sticky top-0">
        <tr>
          <TH className="w-10 text-right">#</TH>
          {preview.columns.map((column) => {
            const r = role(column);
            return (
              <TH key={column} className={r ? "bg-indigo-50" : undefined}>
                <span className="inline-flex items-center gap-1.5">
                  {column}
                  {r && <Badge className="bg-indigo-100 text-indigo-800 ring-indigo-200">{r}</Badge>}
                </span>
              </TH>
            );
          })}
        </tr>
      </THead>
      <TBody>
        {preview.rows.map((row, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: preview rows have no identity beyond their position, and never reorder
          <tr key={i}>
            <TD className="text-right tabular-nums text-slate-500">{i + 1}</TD>
            {row.map((cell, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a cell's position is its column
              <TD key={j} className={role(preview.columns[j]!) ? "bg-indigo-50/40" : undefined}>
                {cell.trim() === "" ? (
                  <span className="text-slate-500 italic">empty</span>
                ) : (
                  <span className="block max-w-[18rem] truncate" title={cell}>
                    {cell}
                  </span>
                )}
              </TD>
            ))}
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
