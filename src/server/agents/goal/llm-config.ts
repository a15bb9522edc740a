import type { ModelPrices } from "@/lib/contract/agent";
import { type Env, env } from "../../env";

/**
 * The language model the goal-driven engine talks to: any OpenAI-compatible chat-completions endpoint (hosted APIs,
 * Ollama, vLLM, llama.cpp, LM Studio), as src/server/env.ts reads it:
 *
 *   LLM_BASE_URL  the endpoint, e.g. http://127.0.0.1:11434/v1 (Ollama); default https://api.openai.com/v1
 *   LLM_API_KEY   sent as the bearer token; local servers need none
 *   LLM_MODEL     the model when a batch names none
 *   LLM_PRICES    JSON { "<model>": { "inputPerMillion": n, "outputPerMillion": n } }, US dollars per million tokens
 */

export const DEFAULT_BASE_URL = "https://api.openai.com/v1";

export interface LlmSettings {
  /** False when neither LLM_BASE_URL nor LLM_API_KEY is set: no model to talk to. */
  configured: boolean;
  baseURL: string;
  /** Never logged, never put in an error, a progress report or a result. */
  apiKey: string | undefined;
  defaultModel: string | undefined;
  prices: Record<string, ModelPrices>;
}

/** The settings from the configuration (env.ts validated them at start-up, naming the variable, never its value). */
export function llmSettings(
  e: Pick<Env, "LLM_BASE_URL" | "LLM_API_KEY" | "LLM_MODEL" | "LLM_PRICES"> = env(),
): LlmSettings {
  return {
    configured: e.LLM_BASE_URL !== undefined || e.LLM_API_KEY !== undefined,
    baseURL: e.LLM_BASE_URL ?? DEFAULT_BASE_URL,
    apiKey: e.LLM_API_KEY,
    defaultModel: e.LLM_MODEL,
    prices: e.LLM_PRICES ?? {},
  };
}

export const HOW_TO_CONFIGURE_A_MODEL =
  "Point the agent engine at a model: set LLM_BASE_URL (e.g. http://127.0.0.1:11434/v1 for Ollama) and LLM_MODEL (e.g. qwen2.5:7b), plus LLM_API_KEY for a hosted API.";

/**
 * Whether a batch with this model setting can run: for the batch form and execute dialog (engine shown but
 * disabled) and the `400 validation_failed` at batch creation or execution start.
 */
export function modelAvailability(
  settings: LlmSettings,
  batchModel?: string,
): { ok: true; model: string } | { ok: false; message: string } {
  if (!settings.configured) return { ok: false, message: HOW_TO_CONFIGURE_A_MODEL };
  const model = batchModel ?? settings.defaultModel;
  if (!model) return { ok: false, message: "No model is named: set LLM_MODEL, or the batch's agent.model." };
  return { ok: true, model };
}

/** A base URL fit for a message: no credentials, no query (either could carry a secret). */
export function displayBaseUrl(baseURL: string): string {
  try {
    const url = new URL(baseURL);
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    return "the configured LLM_BASE_URL";
  }
}
