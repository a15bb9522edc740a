import { concurrencySchema, executionModeSchema } from "./requests";
import { JOB_STATUSES, type JobStatus } from "./resources";
import { z } from "./zod";

const intParam = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be an integer from ${min} to ${max}` })
    .int(`${name} must be an integer from ${min} to ${max}`)
    .min(min, `${name} must be an integer from ${min} to ${max}`)
    .max(max, `${name} must be an integer from ${min} to ${max}`);

export const estimateQuerySchema = (maxConcurrency: number) =>
  z.object({
    mode: executionModeSchema.default("production"),
    sampleSize: intParam("sampleSize", 1, 10_000_000).optional(),
    concurrency: z.coerce.number().pipe(concurrencySchema(maxConcurrency)).optional(),
  });

export const jobsQuerySchema = z.object({
  status: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      const list = v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = list.filter((s) => !(JOB_STATUSES as readonly string[]).includes(s));
      if (bad.length) {
        ctx.addIssue({
          code: "custom",
          message: `status must be a comma-separated list of ${JOB_STATUSES.join(", ")}; got ${bad.join(", ")}`,
        });
        return z.NEVER;
      }
      return list as JobStatus[];
    }),
  limit: intParam("limit", 1, 1000).default(100),
  cursor: z
    .string()
    .optional()
    .transform((v) => v || null),
});

export const exportQuerySchema = z.object({
  format: z.enum(["csv", "json", "xlsx"], { error: 'format must be "csv", "json" or "xlsx"' }).default("csv"),
});

/** GET /api/batches/:id/inputs. */
export const listInputsQuerySchema = z.object({
  limit: z.coerce
    .number({ error: "limit must be an integer from 1 to 500" })
    .int("limit must be an integer from 1 to 500")
    .min(1, "limit must be an integer from 1 to 500")
    .max(500, "limit must be an integer from 1 to 500")
    .optional(),
  cursor: z.string().optional(),
});
