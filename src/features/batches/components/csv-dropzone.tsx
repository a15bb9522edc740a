"use client";

import { FileSpreadsheet, Upload } from "lucide-react";
import { type DragEvent, useId, useRef, useState } from "react";
import { cn } from "@/components/ui/cn";

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Drop a CSV here or pick one; once chosen, shows the file with a way to choose another. */
export function CsvDropzone({
  file,
  onFile,
  disabled,
}: {
  file: File | null;
  onFile: (file: File) => void;
  disabled?: boolean;
}) {
  const inputId = useId();
  const hintId = `${inputId}-hint`;
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);

  function accept(files: FileList | null) {
    const chosen = files?.[0];
    if (chosen) onFile(chosen);
  }

  const dragProps = {
    onDragEnter: (e: DragEvent) => {
      e.preventDefault();
      depth.current++;
      setDragging(true);
    },
    onDragOver: (e: DragEvent) => {
      e.preventDefault();
      e.dataTransfer.dropEffect = disabled ? "none" : "copy";
    },
    onDragLeave: () => {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    },
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      depth.current = 0;
      setDragging(false);
      if (!disabled) accept(e.dataTransfer.files);
    },
  };

  const fileInput = (
    <input
      id={inputId}
      type="file"
      name="file"
      accept=".csv,.tsv,.txt,text/csv,text/plain,text/tab-separated-values"
      aria-describedby={hintId}
      disabled={disabled}
      className="peer sr-only"
      onChange={(e) => {
        accept(e.target.files);
        // Choosing the same file again must fire change again.
        e.target.value = "";
      }}
    />
  );

  if (file) {
    return (
      <div
        {...dragProps}
        data-testid="csv-dropzone"
        className={cn(
          "flex flex-col gap-3 rounded-lg border border-slate-200 bg-slate-50 p-4 sm:flex-row sm:items-center",
          dragging && "border-indigo-400 bg-indigo-50",
        )}
      >
        <FileSpreadsheet className="h-8 w-8 shrink-0 text-indigo-600" aria-hidden="true" />
        <div className="min-w-0 flex-1">
          <p className="truncate font-medium text-slate-900">{file.name}</p>
          <p id={hintId} className="text-xs text-slate-600">
            {formatBytes(file.size)} · drop another file here to replace it
          </p>
        </div>
        {fileInput}
        <label
          htmlFor={inputId}
          className="inline-flex h-8 shrink-0 cursor-pointer items-center justify-center self-start rounded-md border border-slate-300 bg-white px-3 text-sm font-medium text-slate-800 hover:bg-slate-50 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-indigo-600 sm:self-auto"
        >
          Choose another file
        </label>
      </div>
    );
  }

  return (
    <div
      {...dragProps}
      data-testid="csv-dropzone"
      className={cn(
        "flex flex-col items-center rounded-lg border-2 border-dashed px-6 py-10 text-center transition-colors",
        dragging ? "border-indigo-500 bg-indigo-50" : "border-slate-300 bg-white",
      )}
    >
      <span className="mb-3 flex h-11 w-11 items-center justify-center rounded-full bg-indigo-50 text-indigo-600">
        <Upload className="h-5 w-5" aria-hidden="true" />
      </span>
      <p className="text-sm font-medium text-slate-900">
        {dragging ? "Drop the file to use it" : "Drag a CSV file here"}
      </p>
      <p className="my-2 text-xs text-slate-600">or</p>
      {fileInput}
      <label
        htmlFor={inputId}
        className="inline-flex h-10 cursor-pointer items-center justify-center rounded-md border border-slate-300 bg-white px-4 text-sm font-medium text-slate-800 hover:bg-slate-50 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-indigo-600"
      >
        Choose a CSV file
      </label>
      <p id={hintId} className="mt-3 max-w-sm text-xs text-slate-600">
        One web page per row, with a header row. Comma, semicolon or tab separated, UTF-8.
      </p>
    </div>
  );
}
