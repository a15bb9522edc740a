import type { ModelPrices } from "@/lib/contract/agent";
import type { AgentUsage } from "../types";

/** Tokens of one model call, as the provider counted them (or estimated when it did not say). */
export interface CallUsage {
  inputTokens: number;
  outputTokens: number;
  estimated: boolean;
}

/** About four characters a token: only for servers that report no usage, so the budget still holds. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

/**
 * One job's spend. The cost is computed from the summed tokens, not summed per call, so it is exact to the prices
 * (no floating-point drift over many steps) and the same however the calls were split.
 */
export class UsageMeter {
  inputTokens = 0;
  outputTokens = 0;
  private estimated = false;

  constructor(
    readonly model: string,
    private readonly prices: ModelPrices | undefined,
  ) {}

  add(call: CallUsage): void {
    this.inputTokens += call.inputTokens;
    this.outputTokens += call.outputTokens;
    this.estimated ||= call.estimated;
  }

  get totalTokens(): number {
    return this.inputTokens + this.outputTokens;
  }

  get costUsd(): number {
    return costOf(this.inputTokens, this.outputTokens, this.prices);
  }

  snapshot(): AgentUsage {
    return {
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      costUsd: this.costUsd,
      model: this.model,
      ...(this.estimated ? { estimated: true } : {}),
    };
  }
}

/** US dollars for the tokens at per-million prices; 0 without prices. */
export function costOf(inputTokens: number, outputTokens: number, prices: ModelPrices | undefined): number {
  if (!prices) return 0;
  return (inputTokens * prices.inputPerMillion + outputTokens * prices.outputPerMillion) / 1_000_000;
}
