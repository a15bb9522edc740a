import { type GoalAgentConfig, goalAgentSchema } from "@/lib/contract/agent";
import { abortedError, browserCrashed, classifyError, httpStatusError } from "../errors";
import { capText } from "../limits";
import type { NetworkGuard } from "../network-guard";
import { fillTemplate } from "../template";
import {
  type AgentContext,
  AgentError,
  type AgentErrorDetails,
  type AgentJob,
  type AgentResult,
  isAgentError,
  type TranscriptStep,
} from "../types";
import { act } from "./act";
import { shortForm } from "./actions";
import { checkAnswer } from "./answer";
import { Conversation } from "./conversation";
import { Decider } from "./decide";
import { createLlmClient, type LlmClientOptions } from "./llm-client";
import { type LlmSettings, modelAvailability } from "./llm-config";
import { narrate } from "./narration";
import { DEFAULT_SNAPSHOT_CHARS, type Observation, observe, summarize } from "./observe";
import { newDataTag, type PromptSetup, systemPrompt, taskMessage, turnMessage } from "./prompt";
import { type GoalSession, openSession } from "./session";
import { UsageMeter } from "./usage";

/** Without `maxTokensPerJob`: enough for the step limit on ordinary pages, a stop for a runaway. */
export const DEFAULT_MAX_TOKENS_PER_JOB = 200_000;

export interface RunOptions {
  guard: NetworkGuard;
  settings: () => LlmSettings;
  client?: LlmClientOptions;
  snapshotChars?: number;
}

/** The loop: observe → decide one action → act → repeat, until an answer, a give-up, or a limit. */
export async function runGoal(job: AgentJob, ctx: AgentContext, options: RunOptions): Promise<AgentResult> {
  const config: GoalAgentConfig = ctx.config.agent ?? goalAgentSchema.parse({});
  const settings = readSettings(options.settings);
  const availability = modelAvailability(settings, config.model);
  if (!availability.ok) throw new AgentError(availability.message, false, "model_not_configured");
  const model = availability.model;
  const setup: PromptSetup = {
    goal: goalOf(job, config),
    instructions: config.instructions ? fillTemplate(config.instructions, job.row) : undefined,
    startUrl: job.siteUrl,
    maxSteps: config.maxSteps,
    fields: config.outputSchema,
    jsonMode: config.toolMode === "json",
  };
  const budget = config.maxTokensPerJob ?? DEFAULT_MAX_TOKENS_PER_JOB;
  const meter = new UsageMeter(model, config.prices ?? settings.prices[model]);
  const transcript: TranscriptStep[] = [];
  let url = job.siteUrl;
  const details = (): AgentErrorDetails => ({ usage: meter.snapshot(), transcript, finalUrl: capText(url) });
  const percentAt = (step: number) => Math.min(95, Math.round(5 + (90 * (step - 1)) / config.maxSteps));
  const spend = () => ({ inputTokens: meter.inputTokens, outputTokens: meter.outputTokens, costUsd: meter.costUsd });

  // Refuse a bad or private start URL before a browser or a model is involved.
  await options.guard.check(job.siteUrl);
  if (ctx.signal.aborted) throw abortedError(ctx.signal, job.siteUrl, "starting");

  let session: GoalSession | null = null;
  let doing = "starting";
  try {
    session = await openSession(ctx, options.guard, job.siteUrl);
    const { page, mainFrame } = session;

    doing = "opening the page";
    ctx.progress({ step: `Opening ${job.siteUrl}`, url, percent: 2 });
    const response = await page.goto(job.siteUrl, { waitUntil: "domcontentloaded" });
    const refused = mainFrame.lastRequestUrl ? session.proxy.refusalFor(mainFrame.lastRequestUrl) : undefined;
    if (refused) throw refused;
    const failure = response && httpStatusError(page.url(), response.status(), response.statusText());
    if (failure) throw failure;
    url = page.url();
    let thumbnail = session.thumbnails.take();
    session.thumbnails.startTicking();

    const tag = newDataTag();
    const conversation = new Conversation(systemPrompt(setup, tag), taskMessage(setup));
    let step = 1;
    const decider = new Decider({
      client: createLlmClient(settings, model, options.client),
      serverKey: `${settings.baseURL} ${model}`,
      conversation,
      fields: setup.fields,
      jsonMode: setup.jsonMode,
      systemFor: (jsonMode) => systemPrompt({ ...setup, jsonMode }, tag),
      beforeCall: () => {
        if (meter.totalTokens >= budget) {
          throw new AgentError(
            `Stopped at the token budget: ${meter.totalTokens} tokens used of ${budget} (maxTokensPerJob) after ${step - 1} action${step === 2 ? "" : "s"}, without an answer; ${reached(url, transcript)}`,
            false,
            "token_budget",
          );
        }
      },
      afterCall: (reply) => meter.add(reply.usage),
      onWait: (ms, kind) =>
        ctx.progress({
          step: `Waiting ${Math.ceil(ms / 1000)} s: ${waitWords(kind)}`,
          url,
          percent: percentAt(step),
          detail: spend(),
        }),
      signal: ctx.signal,
    });
    let repaired = false;
    let lastResult: string | null = null;

    for (; step <= config.maxSteps; step++) {
      doing = "reading the page";
      const observation = await observe(page, {
        maxChars: options.snapshotChars ?? DEFAULT_SNAPSHOT_CHARS,
        httpStatus: mainFrame.status,
        signal: ctx.signal,
      });
      url = observation.url;
      if (session.takeBlockedPopup() && lastResult !== null) {
        lastResult += "; a new window was opened and closed (agents work in one window)";
        transcript.at(-1)!.result = cut(lastResult);
      }
      conversation.present(
        turnMessage(observation, lastResult, { tag, step, maxSteps: config.maxSteps, summary: summarize(observation) }),
      );
      ctx.progress({ step: `Thinking about step ${step}`, url, percent: percentAt(step), detail: spend() });
      const before = spend();
      const record = (reason: string, action: string, result: string) =>
        transcript.push(stepRecord(step, observation, reason, action, result, before, spend()));

      doing = "waiting for the model";
      let action = await decider.next();
      while (action.action === "answer") {
        const checked = checkAnswer(action.answer, setup.fields);
        if (checked.ok) {
          record(action.reason, shortForm(action), "accepted");
          ctx.progress({
            step: "Answering",
            url,
            percent: 100,
            detail: { reason: action.reason, action: "answer", ...spend() },
          });
          await thumbnail;
          return {
            extractedData: checked.data,
            finalUrl: capText(page.url()),
            httpStatus: mainFrame.status,
            usage: meter.snapshot(),
            transcript,
          };
        }
        record(action.reason, shortForm(action), `invalid: ${checked.problem}`);
        if (repaired) {
          throw new AgentError(
            `The model's answer did not fit the output schema, even after a correction: ${checked.problem}`,
            false,
            "invalid_answer",
          );
        }
        repaired = true;
        conversation.reject(
          `error: the answer does not fit the required fields: ${checked.problem}. The page has not changed. Answer again with corrected values.`,
        );
        action = await decider.next();
      }
      if (action.action === "give_up") {
        record(action.reason, "give_up", "gave up");
        ctx.progress({
          step: "Giving up",
          url,
          percent: percentAt(step),
          detail: { reason: action.reason, ...spend() },
        });
        throw new AgentError(`The agent gave up: ${action.reason}`, false, "gave_up");
      }

      const words = narrate(action, observation.snapshot.refs);
      doing = words[0]!.toLowerCase() + words.slice(1);
      ctx.progress({
        step: words,
        url,
        percent: percentAt(step),
        detail: { reason: action.reason, action: shortForm(action), ...spend() },
      });
      await thumbnail;
      const result = await act(action, { session, guard: options.guard, refs: observation.snapshot.refs });
      url = page.url();
      thumbnail = session.thumbnails.take();
      record(action.reason, shortForm(action), result);
      lastResult = result;
    }
    throw new AgentError(
      `No answer after ${config.maxSteps} action${config.maxSteps === 1 ? "" : "s"} (maxSteps); ${reached(url, transcript)}`,
      false,
      "max_steps",
    );
  } catch (e) {
    throw withDetails(failureOf(e, ctx, session, url, doing), details());
  } finally {
    await session?.close();
  }
}

function readSettings(settings: () => LlmSettings): LlmSettings {
  try {
    return settings();
  } catch (e) {
    throw new AgentError((e as Error).message, false, "model_not_configured");
  }
}

/** The row's goal, or the batch's instructions when the row has none; {{column}} filled from the row. */
function goalOf(job: AgentJob, config: GoalAgentConfig): string {
  const goal = job.goal?.trim() ? job.goal : config.instructions;
  if (!goal?.trim()) {
    throw new AgentError(
      "This row has no goal: the agent engine needs a goal column (or the batch's agent.instructions)",
      false,
      "invalid_step",
    );
  }
  return fillTemplate(goal, job.row);
}

function stepRecord(
  step: number,
  observation: Observation,
  reason: string,
  action: string,
  result: string,
  before: { inputTokens: number; outputTokens: number },
  after: { inputTokens: number; outputTokens: number },
): TranscriptStep {
  return {
    step,
    observation: summarize(observation),
    reason: cut(reason),
    action: cut(action),
    result: cut(result),
    url: cut(observation.url),
    inputTokens: after.inputTokens - before.inputTokens,
    outputTokens: after.outputTokens - before.outputTokens,
  };
}

const cut = (text: string) => (text.length > 500 ? `${text.slice(0, 499)}…` : text);

/** "reached https://… after: click e3 (clicked), type e5 … (typed)": what a limit stopped. */
function reached(url: string, transcript: TranscriptStep[]): string {
  const last = transcript.slice(-3).map((s) => `${s.action} (${s.result})`);
  return `reached ${url}${last.length ? `; last actions: ${last.join(", ")}` : ""}`;
}

function waitWords(kind: string): string {
  switch (kind) {
    case "model_rate_limited":
      return "the model is rate-limiting requests";
    case "model_unreachable":
      return "the model could not be reached";
    case "model_timeout":
      return "the model did not answer in time";
    default:
      return "the model server failed";
  }
}

function failureOf(e: unknown, ctx: AgentContext, session: GoalSession | null, url: string, doing: string): AgentError {
  if (ctx.signal.aborted) return abortedError(ctx.signal, url, doing);
  if (isAgentError(e)) return e;
  const refused = session?.mainFrame.lastRequestUrl
    ? session.proxy.refusalFor(session.mainFrame.lastRequestUrl)
    : undefined;
  if (refused) return refused;
  if (session && !session.page.context().browser()?.isConnected()) return browserCrashed(url);
  return classifyError(e, url);
}

/** The error, carrying what the job had spent and done (a failed job's tokens are spent all the same). */
function withDetails(error: AgentError, details: AgentErrorDetails): AgentError {
  return new AgentError(error.message, error.retryable, error.kind, { ...details, ...error.details });
}
