"use client";

import { CircleDollarSign } from "lucide-react";
import { Card } from "@/components/ui/card";
import { Progress } from "@/components/ui/progress";
import { formatSpend, formatTokens } from "@/lib/format";
import { useAnimatedNumber } from "../hooks/use-animated-number";
import type { SpendSummary } from "../lib/spend";

/**
 * The model's spend, a full row of the stats panel: so far (running jobs included), against the cap when there is
 * one, the projected total and the tokens. Figures come from the live state; none is fetched.
 */
export function SpendCard({ spend, exact }: { spend: SpendSummary; exact: boolean }) {
  const spent = useAnimatedNumber(spend.spentUsd, { exact });
  const projected = useAnimatedNumber(spend.projectedUsd, { exact });
  const cap = spend.capUsd;
  const overCap = cap !== null && spend.spentUsd >= cap;
  return (
    <Card className="col-span-2 flex min-w-0 flex-col gap-3 p-4 md:col-span-3 xl:col-span-6" data-testid="spend-card">
      <dt className="flex items-center justify-between gap-2 text-xs font-semibold uppercase tracking-wide text-slate-600">
        Model spend
        <CircleDollarSign className="h-4 w-4 text-slate-500" aria-hidden="true" />
      </dt>
      <dd className="grid min-w-0 gap-x-6 gap-y-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1fr)]">
        <div className="min-w-0">
          <p className="flex flex-wrap items-baseline gap-x-2">
            <span className="text-2xl font-semibold tabular-nums text-slate-900" data-testid="stat-spend">
              {formatSpend(spent)}
            </span>
            <span className="text-sm text-slate-600" data-testid="stat-cap">
              {cap !== null ? `of ${formatSpend(cap)} cap` : "so far, no cap"}
            </span>
          </p>
          {cap !== null && (
            <Progress
              value={cap > 0 ? (spend.spentUsd / cap) * 100 : 100}
              label="Spend against the cap"
              className="mt-2"
              tone={overCap ? "bg-amber-500" : "bg-indigo-600"}
            />
          )}
        </div>
        <div className="min-w-0">
          <p className="text-xs text-slate-600">Projected total</p>
          <p className="text-base font-semibold tabular-nums text-slate-900" data-testid="stat-projected">
            {formatSpend(projected)}
          </p>
        </div>
        <div className="min-w-0">
          <p className="text-xs text-slate-600">Tokens in / out</p>
          <p
            className="text-base font-semibold tabular-nums text-slate-900"
            data-testid="stat-tokens"
            title={`${spend.inputTokens.toLocaleString("en-US")} input tokens, ${spend.outputTokens.toLocaleString("en-US")} output tokens`}
          >
            {formatTokens(spend.inputTokens)} / {formatTokens(spend.outputTokens)}
          </p>
        </div>
      </dd>
    </Card>
  );
}
