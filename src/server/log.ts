import pino from "pino";
import { env } from "./env";

const globalForLog = globalThis as unknown as { __fleetdeckLog?: pino.Logger };

export function log(): pino.Logger {
  globalForLog.__fleetdeckLog ??= pino({ level: env().LOG_LEVEL, base: { pid: process.pid } });
  return globalForLog.__fleetdeckLog;
}
