import { z } from "./zod";

/** Every timestamp of the API: an ISO-8601 string in UTC (CONTRACT.md). */
export const timestampSchema = z.iso.datetime().meta({ id: "Timestamp", description: "ISO-8601, in UTC." });
