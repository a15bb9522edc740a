import { z } from "./zod";

export const createProjectSchema = z.object({
  name: z
    .string({ error: "name is required and must be a string" })
    .trim()
    .min(1, "name must not be empty")
    .max(200, "name must be at most 200 characters"),
});

export const executionModeSchema = z.enum(["test", "production"], { error: 'mode must be "test" or "production"' });

export const createExecutionSchema = (maxConcurrency: number) =>
  z.object({
    mode: executionModeSchema,
    sampleSize: z
      .number({ error: "sampleSize must be an integer of at least 1" })
      .int("sampleSize must be an integer of at least 1")
      .min(1, "sampleSize must be an integer of at least 1")
      .optional(),
    concurrency: concurrencySchema(maxConcurrency).optional(),
    maxCost: maxCostSchema.optional(),
  });

/** A spend cap in US dollars: the execution pauses itself when its model spend reaches it. */
export const maxCostSchema = z
  .number({ error: "maxCost must be a number of US dollars greater than 0" })
  .positive("maxCost must be a number of US dollars greater than 0")
  .max(1_000_000, "maxCost must be at most 1000000");

/** POST /api/executions/:id/resume: an optional body that raises the spend cap, or lifts it with null. */
export const resumeSchema = z.object({ maxCost: maxCostSchema.nullable().optional() });

export const concurrencySchema = (maxConcurrency: number) =>
  z
    .number({ error: `concurrency must be an integer from 1 to ${maxConcurrency}` })
    .int(`concurrency must be an integer from 1 to ${maxConcurrency}`)
    .min(1, `concurrency must be an integer from 1 to ${maxConcurrency}`)
    .max(maxConcurrency, `concurrency must be an integer from 1 to ${maxConcurrency}`);

export const stopSchema = z.object({
  reason: z.string({ error: "reason must be a string" }).max(1000, "reason must be at most 1000 characters").optional(),
});

export const adjustConcurrencySchema = (maxConcurrency: number) =>
  z.object({ concurrency: concurrencySchema(maxConcurrency) });

const optionalText = (field: string, max: number) =>
  z
    .string({ error: `${field} must be a string` })
    .max(max, `${field} must be at most ${max} characters`)
    .optional()
    // Forms send "" for a field left blank: that means "not given".
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

const columnChoice = {
  name: optionalText("name", 200),
  urlColumn: optionalText("urlColumn", 1000),
  goalColumn: optionalText("goalColumn", 1000),
  idColumn: optionalText("idColumn", 1000),
};

/** POST /api/projects/:id/batches as JSON. */
export const createBatchJsonSchema = z.object({
  ...columnChoice,
  csv: z.string({ error: "csv is required: the CSV file's text as a string" }),
  fileName: optionalText("fileName", 1000),
  agent: z.unknown().optional(),
});

/** The text fields of POST /api/projects/:id/batches as multipart/form-data; agent is a JSON string there. */
export const createBatchFieldsSchema = z.object({ ...columnChoice, agent: optionalText("agent", 1024 * 1024) });
