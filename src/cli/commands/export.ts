import fs from "node:fs";
import path from "node:path";
import type { ExportFormat } from "@/lib/client/endpoints";
import { attachmentName, saveDownload } from "@/lib/client/node";
import type { CliContext } from "../context";
import { CliError, EXIT, type ExitCode } from "../exit-codes";

export const EXPORT_FORMATS = ["csv", "json", "xlsx"] as const;

export interface ExportOptions {
  format: ExportFormat;
  /** The file to write; without it, the name the server gives, in the current folder. "-" writes to stdout. */
  output?: string;
}

/** `fleetdeck export <executionId>`: the results file, streamed to disk as it arrives. */
export async function exportCommand(ctx: CliContext, executionId: string, options: ExportOptions): Promise<ExitCode> {
  const response = await ctx.client.exportResults(executionId, options.format);
  if (options.output === "-") {
    await saveDownload(response, "/dev/stdout");
    return EXIT.ok;
  }
  const file = options.output ?? attachmentName(response) ?? `${executionId}.${options.format}`;
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new CliError(`The folder ${dir} does not exist`, EXIT.usage);
  let bytes: number;
  try {
    bytes = await saveDownload(response, file);
  } catch (e) {
    throw new CliError(`Could not write ${file}: ${(e as Error).message}`, EXIT.usage);
  }
  if (ctx.json) ctx.out(JSON.stringify({ file: path.resolve(file), bytes, format: options.format }));
  else ctx.out(`Wrote ${file} (${bytes.toLocaleString("en-US")} bytes, ${options.format})`);
  return EXIT.ok;
}
