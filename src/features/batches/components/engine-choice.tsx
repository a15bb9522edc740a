import { Bot, Globe, Monitor, Sparkles } from "lucide-react";
import { cn } from "@/components/ui/cn";
import type { AgentConfig } from "@/lib/contract/agent";
import type { EngineStatus } from "@/lib/contract/responses";

export type Engine = AgentConfig["engine"];

const engines: { value: Engine; label: string; description: string; icon: typeof Globe }[] = [
  {
    value: "browser",
    label: "Browser",
    description: "A real Chromium: runs the page's scripts and takes screenshots.",
    icon: Monitor,
  },
  {
    value: "http",
    label: "HTTP",
    description: "Fetches and parses the HTML. Much faster, for static pages.",
    icon: Globe,
  },
  {
    value: "simulated",
    label: "Simulated",
    description: "No network at all. For demos and trying out the flow.",
    icon: Sparkles,
  },
  {
    value: "agent",
    label: "Goal-driven agent",
    description: "A language model drives Chromium to reach each row's goal.",
    icon: Bot,
  },
];

/** Engines that need the server's say-so (a configured model) before they can be offered. */
const NEEDS_SERVER: readonly Engine[] = ["agent"];

/**
 * How the agents visit each page: radio cards in a fieldset. `engines` is what the server said it can run (null while
 * loading): an engine it cannot run is shown but disabled, with the server's words on what to set.
 */
export function EngineChoice({
  value,
  onChange,
  disabled,
  engines: status,
}: {
  value: Engine;
  onChange: (engine: Engine) => void;
  disabled?: boolean;
  engines: Partial<Record<Engine, EngineStatus>> | null;
}) {
  return (
    <fieldset disabled={disabled}>
      <legend className="text-sm font-medium text-slate-700">Engine</legend>
      <div className="mt-2 grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
        {engines.map((engine) => {
          const Icon = engine.icon;
          const checked = value === engine.value;
          const known = status?.[engine.value];
          const unavailable = known ? !known.available : NEEDS_SERVER.includes(engine.value);
          const note = known?.message ?? (unavailable ? "Checking whether this server can run it…" : null);
          const noteId = `engine-${engine.value}-note`;
          return (
            <label
              key={engine.value}
              className={cn(
                "relative flex gap-3 rounded-lg border bg-white p-3 text-sm transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-indigo-600",
                unavailable
                  ? "cursor-not-allowed border-dashed border-slate-300 bg-slate-50"
                  : checked
                    ? "cursor-pointer border-indigo-500 ring-1 ring-indigo-500"
                    : "cursor-pointer border-slate-300 hover:border-slate-400",
              )}
              data-testid={`engine-${engine.value}`}
            >
              <input
                type="radio"
                name="engine"
                value={engine.value}
                checked={checked}
                disabled={unavailable}
                aria-describedby={note ? noteId : undefined}
                onChange={() => onChange(engine.value)}
                className="sr-only"
              />
              <Icon
                className={cn("mt-0.5 h-4 w-4 shrink-0", checked ? "text-indigo-600" : "text-slate-500")}
                aria-hidden="true"
              />
              <span className="min-w-0">
                <span className="block font-medium text-slate-900">
                  {engine.label}
                  {unavailable && known && <span className="font-normal text-slate-600"> · not available</span>}
                </span>
                <span className="mt-0.5 block text-xs text-slate-600">{engine.description}</span>
                {note && (
                  <span
                    id={noteId}
                    className={cn(
                      "mt-1.5 block break-words text-xs",
                      unavailable && known ? "text-amber-900" : "text-slate-600",
                    )}
                  >
                    {note}
                  </span>
                )}
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
