import { z } from "zod";

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

export const agentConfigSchema = z.object({
  engine: z.enum(["browser", "http", "simulated"]).default("browser"),
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
});

export type AgentField = z.infer<typeof agentFieldSchema>;
export type AgentStep = z.infer<typeof agentStepSchema>;
export type AgentConfig = z.infer<typeof agentConfigSchema>;
