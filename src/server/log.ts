import pino from "pino";
import pretty from "pino-pretty";
import { env } from "./env";
import { processWide } from "./process-wide";

/**
 * A logger for whoever reads the output: coloured lines for a person at a terminal, one JSON object a line for a
 * machine (a log collector, a file, a pipe). pino-pretty runs as a synchronous stream in this thread rather than
 * as a transport's worker thread, so a line is written before the call returns and nothing is lost at exit.
 */
export function createLogger(
  level: pino.LevelWithSilent,
  output: { isTTY: boolean; stream?: pino.DestinationStream } = { isTTY: process.stdout.isTTY === true },
): pino.Logger {
  const options: pino.LoggerOptions = { level, base: { pid: process.pid } };
  if (output.isTTY) return pino(options, pretty({ colorize: true, sync: true, destination: output.stream ?? 1 }));
  return output.stream ? pino(options, output.stream) : pino(options);
}

/** The process's logger, made on first use (before the runtime starts too). */
export const log: () => pino.Logger = processWide("log", () => createLogger(env().LOG_LEVEL));
