import { z } from "zod";

/** Request shapes of the batch routes (candidates for src/lib/contract/requests.ts once the UI needs them). */

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

export const listInputsQuerySchema = z.object({
  limit: z.coerce
    .number({ error: "limit must be an integer from 1 to 500" })
    .int("limit must be an integer from 1 to 500")
    .min(1, "limit must be an integer from 1 to 500")
    .max(500, "limit must be an integer from 1 to 500")
    .optional(),
  cursor: z.string().optional(),
});
