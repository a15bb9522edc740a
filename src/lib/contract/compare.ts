import { jobStatusSchema } from "./resources";
import { z } from "./zod";

/**
 * GET /api/executions/:id/compare/:otherId: two executions of one batch side by side, per input (A is `:id`, B is
 * `:otherId`). Inputs are matched by their batch input; extracted values are compared as JSON (deep equality, key
 * order ignored, `1` and `"1"` differ). A job with no extracted data has no fields.
 */

export const COMPARE_CHANGES = ["any", "status", "fields", "missing", "all"] as const;
export type CompareChange = (typeof COMPARE_CHANGES)[number];

export const COMPARE_FORMATS = ["csv", "json"] as const;

const LIMIT_RULE = "limit must be an integer from 1 to 500";
const FIELD_RULE = "field must be a field name of 1 to 200 characters";

export const compareQuerySchema = z.object({
  change: z
    .enum(COMPARE_CHANGES, { error: `change must be one of ${COMPARE_CHANGES.join(", ")}` })
    .default("any")
    .meta({
      description:
        "Which inputs: `any` (default) every input whose status or fields changed or that ran on one side only; " +
        "`status` its status changed; `fields` a field was added, removed or changed; `missing` it ran on one " +
        "side only; `all` every input, unchanged ones too.",
    }),
  field: z.string().min(1, FIELD_RULE).max(200, FIELD_RULE).optional().meta({
    description:
      "Only inputs run on both sides whose value of this field was added, removed or changed; each row lists that field alone.",
  }),
  limit: z.coerce
    .number({ error: LIMIT_RULE })
    .int(LIMIT_RULE)
    .min(1, LIMIT_RULE)
    .max(500, LIMIT_RULE)
    .default(100)
    .meta({ description: "Rows per page (1-500, default 100)." }),
  cursor: z
    .string()
    .optional()
    .transform((v) => v || null),
  format: z
    .enum(COMPARE_FORMATS, { error: 'format must be "csv" or "json"' })
    .optional()
    .meta({
      description:
        "Download the whole filtered diff as a file instead of a page: `csv` (one line per changed field, status " +
        "changes and one-sided inputs on a line of their own) or `json` (an array of rows).",
    }),
});
export type CompareQuery = z.output<typeof compareQuerySchema>;

export const fieldChangeSchema = z
  .object({
    name: z.string(),
    change: z.enum(["added", "removed", "changed"]).meta({
      description: "added: only B has it; removed: only A has it; changed: both, with different values.",
    }),
    before: z.unknown().meta({ description: "A's value (null when added)." }),
    after: z.unknown().meta({ description: "B's value (null when removed)." }),
  })
  .meta({ id: "FieldChange" });
export type FieldChange = z.infer<typeof fieldChangeSchema>;

const sideSchema = z
  .object({
    jobId: z.string(),
    status: jobStatusSchema,
    errorMessage: z.string().nullable(),
  })
  .nullable()
  .meta({ description: "The input's job in this execution; null when it did not run there." });

export const compareRowSchema = z
  .object({
    batchInputId: z.string(),
    rowIndex: z.number().int(),
    inputId: z.string(),
    siteUrl: z.string(),
    presence: z.enum(["both", "onlyA", "onlyB"]),
    a: sideSchema,
    b: sideSchema,
    statusChanged: z.boolean().meta({ description: "Run on both sides with a different status." }),
    fields: z
      .array(fieldChangeSchema)
      .meta({ description: "The fields that differ, by name; unchanged ones left out." }),
  })
  .meta({ id: "CompareRow" });
export type CompareRow = z.infer<typeof compareRowSchema>;

export const compareCountsSchema = z
  .object({
    rowsCompared: z.number().int().meta({ description: "Inputs run on both sides." }),
    changed: z.number().int().meta({ description: "Of those, inputs whose status or a field differs." }),
    unchanged: z.number().int(),
    statusChanged: z.number().int(),
    transitions: z
      .array(z.object({ from: jobStatusSchema, to: jobStatusSchema, count: z.number().int() }))
      .meta({ description: "Status changes by transition, most frequent first." }),
    newlyFailing: z.number().int().meta({ description: "Failed in B, not failed in A." }),
    newlyPassing: z.number().int().meta({ description: "Completed in B, not completed in A." }),
    fields: z
      .array(
        z.object({ name: z.string(), added: z.number().int(), removed: z.number().int(), changed: z.number().int() }),
      )
      .meta({ description: "Per field name, how many inputs had it added, removed and changed; by name." }),
    onlyInA: z.number().int(),
    onlyInB: z.number().int(),
  })
  .meta({ id: "CompareCounts" });
export type CompareCounts = z.infer<typeof compareCountsSchema>;

export const compareResponseSchema = z
  .object({
    a: z.string().meta({ description: "The execution compared from (`:id`)." }),
    b: z.string().meta({ description: "The execution compared with (`:otherId`)." }),
    counts: compareCountsSchema
      .nullable()
      .meta({ description: "Over every input, whatever the filters; on the first page (no cursor) only, else null." }),
    rows: z.array(compareRowSchema),
    nextCursor: z.string().nullable().meta({ description: "Asks for the next page; null on the last page." }),
  })
  .meta({ id: "Comparison" });
export type CompareResponse = z.infer<typeof compareResponseSchema>;
