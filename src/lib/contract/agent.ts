import { z } from "./zod";

/** The result key that lists the fields cut at MAX_FIELD_BYTES / MAX_RESULT_BYTES; no field may take its name. */
export const TRUNCATED_KEY = "_truncated";

export const agentFieldSchema = z.object({
  name: z
    .string()
    .min(1, "field name must not be empty")
    .max(100)
    .refine(
      (name) => name !== TRUNCATED_KEY,
      `field name ${TRUNCATED_KEY} is reserved: the result lists the fields that were cut under it`,
    ),
  selector: z.string().min(1, "selector must not be empty"),
  attribute: z.string().min(1).default("textContent"),
  multiple: z.boolean().default(false),
  required: z.boolean().default(false),
});

export const agentStepSchema = z.object({
  action: z.enum(["click", "fill", "waitFor", "goto"]),
  selector: z.string().optional(),
  value: z.string().optional(),
  url: z.string().optional(),
  label: z.string().optional(),
});

/** The types a goal-driven agent's answer field may have; "integer" is a number without a fraction. */
export const OUTPUT_FIELD_TYPES = ["string", "number", "integer", "boolean"] as const;

export const outputFieldSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "output field name must not be empty")
    .max(100)
    .refine(
      (name) => name !== TRUNCATED_KEY,
      `output field name ${TRUNCATED_KEY} is reserved: the result lists the fields that were cut under it`,
    ),
  type: z.enum(OUTPUT_FIELD_TYPES),
  description: z.string().max(500).optional(),
});

/** A price per million tokens, in US dollars, as providers publish them. */
export const modelPricesSchema = z.object({
  inputPerMillion: z.number().min(0).max(10_000),
  outputPerMillion: z.number().min(0).max(10_000),
});

/**
 * The goal-driven engine's settings (engine "agent"): which model, extra instructions ({{column}} works), the limits
 * of one job, the answer's fields, how actions are asked for (tool calls, or JSON for servers without tools), prices.
 */
export const goalAgentSchema = z.object({
  model: z.string().trim().min(1).max(200).optional(),
  instructions: z.string().max(4000).optional(),
  maxSteps: z.number().int().min(1).max(50).default(15),
  maxTokensPerJob: z.number().int().min(1000).max(10_000_000).optional(),
  outputSchema: z
    .array(outputFieldSchema)
    .max(50)
    .refine((fields) => new Set(fields.map((f) => f.name)).size === fields.length, "output field names must be unique")
    .optional(),
  toolMode: z.enum(["tools", "json"]).default("tools"),
  prices: modelPricesSchema.optional(),
});

export const agentConfigSchema = z.object({
  engine: z.enum(["browser", "http", "simulated", "agent"]).default("browser"),
  fields: z.array(agentFieldSchema).max(100).default([]),
  steps: z.array(agentStepSchema).max(50).default([]),
  timeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
  maxRetries: z.number().int().min(0).max(10).default(2),
  simulate: z
    .object({
      durationMs: z.number().int().min(0).max(600_000).default(1000),
      failRate: z.number().min(0).max(1).default(0),
    })
    .optional(),
  agent: goalAgentSchema.optional(),
});

export type AgentField = z.infer<typeof agentFieldSchema>;
export type AgentStep = z.infer<typeof agentStepSchema>;
export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type OutputField = z.infer<typeof outputFieldSchema>;
export type ModelPrices = z.infer<typeof modelPricesSchema>;
export type GoalAgentConfig = z.infer<typeof goalAgentSchema>;
