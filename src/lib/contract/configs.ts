import { actorSchema } from "./auth";
import { timestampSchema } from "./primitives";
import { agentConfigDocumentedSchema, batchSchema } from "./resources";
import { jobUsageSchema } from "./spend";
import { z } from "./zod";

/**
 * A batch's agent config versions (GET/POST /api/batches/:id/configs) and "Try on row N" (POST
 * /api/batches/:id/preview): one row run now, with an unsaved config or the current one, that leaves no trace in the
 * history (no execution, no job).
 */

export const configVersionSchema = z
  .object({
    version: z.number().int().min(1).meta({ description: "1 is the config the batch was uploaded with." }),
    config: agentConfigDocumentedSchema,
    createdAt: timestampSchema,
    createdBy: actorSchema.nullable().meta({ description: "Who saved it; null in local mode and for an upload's." }),
  })
  .meta({ id: "ConfigVersion", description: "One saved version of a batch's agent config." });
export type ConfigVersion = z.infer<typeof configVersionSchema>;

export const configVersionListSchema = z.object({
  versions: z
    .array(configVersionSchema)
    .meta({ description: "Newest first; the first is the batch's current config." }),
});
export type ConfigVersionList = z.infer<typeof configVersionListSchema>;

export const saveConfigSchema = z.object({ agent: agentConfigDocumentedSchema });
export type SaveConfigRequest = z.input<typeof saveConfigSchema>;

export const savedConfigSchema = z.object({
  version: configVersionSchema,
  batch: batchSchema,
  created: z.boolean().meta({
    description: "False when the config was identical to the latest version, which is answered instead (200).",
  }),
  message: z.string(),
});
export type SavedConfig = z.infer<typeof savedConfigSchema>;

export const previewRequestSchema = z.object({
  rowIndex: z
    .number()
    .int()
    .min(1, "rowIndex must be a row number from 1")
    .meta({ description: "The input's row number in the CSV (Input.rowIndex)." }),
  agent: agentConfigDocumentedSchema
    .optional()
    .meta({ description: "An unsaved config to try; without it, the batch's current config." }),
});
export type PreviewRequest = z.input<typeof previewRequestSchema>;

export const previewStepSchema = z.object({
  step: z.string(),
  url: z.string().nullable(),
  percent: z.number().nullable(),
  atMs: z.number().int().min(0).meta({ description: "Milliseconds since the preview started." }),
});
export type PreviewStep = z.infer<typeof previewStepSchema>;

export const previewSchema = z
  .object({
    rowIndex: z.number().int(),
    inputId: z.string(),
    siteUrl: z.string(),
    engine: agentConfigDocumentedSchema.shape.engine.unwrap(),
    configVersion: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The saved version it ran; null when the request gave its own config." }),
    status: z.enum(["completed", "failed"]),
    extractedData: z.record(z.string(), z.unknown()).nullable(),
    error: z.object({ message: z.string(), retryable: z.boolean(), kind: z.string() }).nullable(),
    steps: z.array(previewStepSchema),
    finalUrl: z.string().nullable(),
    httpStatus: z.number().int().nullable(),
    durationMs: z.number().int().min(0),
    screenshot: z
      .string()
      .nullable()
      .meta({ description: "The page's last thumbnail as base64 JPEG (browser engine only)." }),
    usage: jobUsageSchema.nullable().meta({ description: "What the goal-driven engine's model cost for this row." }),
  })
  .meta({ id: "Preview", description: "What one row gave with a config, run now and recorded nowhere." });
export type Preview = z.infer<typeof previewSchema>;

export const previewResponseSchema = z.object({ preview: previewSchema });
export type PreviewResponse = z.infer<typeof previewResponseSchema>;
