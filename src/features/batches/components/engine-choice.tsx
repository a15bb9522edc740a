import { Globe, Monitor, Sparkles } from "lucide-react";
import { cn } from "@/components/ui/cn";
import type { AgentConfig } from "@/lib/contract/agent";

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
];

/** How the agents visit each page: three radio cards in a fieldset. */
export function EngineChoice({
  value,
  onChange,
  disabled,
}: {
  value: Engine;
  onChange: (engine: Engine) => void;
  disabled?: boolean;
}) {
  return (
    <fieldset disabled={disabled}>
      <legend className="text-sm font-medium text-slate-700">Engine</legend>
      <div className="mt-2 grid gap-3 sm:grid-cols-3">
        {engines.map((engine) => {
          const Icon = engine.icon;
          const checked = value === engine.value;
          return (
            <label
              key={engine.value}
              className={cn(
                "relative flex cursor-pointer gap-3 rounded-lg border bg-white p-3 text-sm transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-indigo-600",
                checked ? "border-indigo-500 ring-1 ring-indigo-500" : "border-slate-300 hover:border-slate-400",
              )}
            >
              <input
                type="radio"
                name="engine"
                value={engine.value}
                checked={checked}
                onChange={() => onChange(engine.value)}
                className="sr-only"
              />
              <Icon
                className={cn("mt-0.5 h-4 w-4 shrink-0", checked ? "text-indigo-600" : "text-slate-500")}
                aria-hidden="true"
              />
              <span>
                <span className="block font-medium text-slate-900">{engine.label}</span>
                <span className="mt-0.5 block text-xs text-slate-600">{engine.description}</span>
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
