import { TextField } from "@/components/ui/field";

/** The concurrency a run starts with, as the execute and re-run dialogs ask for it (read with `readConcurrency`). */
export function ConcurrencyField({
  value,
  onChange,
  max,
  error,
  disabled,
}: {
  value: string;
  onChange(text: string): void;
  max: number;
  error: string | null;
  disabled: boolean;
}) {
  return (
    <TextField
      label="Concurrency"
      type="number"
      inputMode="numeric"
      min={1}
      max={max}
      step={1}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint={`Agents working at the same time, 1 to ${max}. You can change it during the run.`}
      disabled={disabled}
    />
  );
}
