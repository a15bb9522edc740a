import pino from "pino";
import { env } from "./env";
import { processWide } from "./process-wide";

/** The process's logger, made on first use (before the runtime starts too). */
export const log: () => pino.Logger = processWide("log", () =>
  pino({ level: env().LOG_LEVEL, base: { pid: process.pid } }),
);
