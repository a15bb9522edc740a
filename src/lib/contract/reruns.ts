import { concurrencySchema, maxCostSchema } from "./requests";
import { z } from "./zod";

/** How a re-run chose its rows from its parent: by the parent's outcome, or by listed jobs or input ids. */
export const RERUN_SELECTIONS = ["failed", "cancelled", "jobs", "inputs"] as const;
export type RerunSelection = (typeof RERUN_SELECTIONS)[number];

/** The most ids one request may list: a re-run of every row of the largest batch we plan for. */
export const MAX_RERUN_IDS = 100_000;
/** Room for MAX_RERUN_IDS job ids (a UUID is 39 bytes in a JSON list) and an agent config. */
export const MAX_RERUN_BODY_BYTES = 5 * 1024 * 1024;

const SELECT_RULE = 'select must be "failed", "cancelled", { "jobIds": [...] } or { "inputIds": [...] }';

const idList = (field: string) =>
  z
    .array(
      z
        .string({ error: `${field} must be an array of strings` })
        .max(1000, `${field}: an id is at most 1000 characters`),
      { error: `${field} must be an array of strings` },
    )
    .min(1, `${field} must list at least one id`)
    // A custom check, not .max(): zod's union drops the message of a failed .max() for its own.
    .check((ctx) => {
      if (ctx.value.length <= MAX_RERUN_IDS) return;
      ctx.issues.push({
        code: "custom",
        message: `${field} must list at most ${MAX_RERUN_IDS} ids`,
        input: ctx.value,
        continue: true,
      });
    });

/** The `select` of a re-run: a parent's outcome, or the rows by job id or by input id (each row at most once). */
export const rerunSelectSchema = z.union(
  [
    z.enum(["failed", "cancelled"]),
    z.strictObject({ jobIds: idList("select.jobIds") }),
    z.strictObject({ inputIds: idList("select.inputIds") }),
  ],
  { error: SELECT_RULE },
);
export type RerunSelect = z.infer<typeof rerunSelectSchema>;

/** POST /api/executions/:id/reruns. `agent`, when given, is saved as the batch's next config version and run. */
export const createRerunSchema = (maxConcurrency: number) =>
  z.object({
    select: rerunSelectSchema,
    concurrency: concurrencySchema(maxConcurrency).optional(),
    maxCost: maxCostSchema.optional(),
    agent: z.unknown().optional(),
  });
export type CreateRerun = z.infer<ReturnType<typeof createRerunSchema>>;

/** On an execution that re-runs rows of another: which one, how the rows were chosen, and how many. */
export const rerunOfSchema = z
  .object({
    of: z.string().meta({ description: "The parent execution's id." }),
    selection: z.enum(RERUN_SELECTIONS),
    rows: z.number().int().min(0),
  })
  .meta({ id: "RerunOf", description: "What a re-run runs again: rows of its parent execution." });
export type RerunOf = z.infer<typeof rerunOfSchema>;
