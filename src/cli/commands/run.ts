import fs from "node:fs/promises";
import path from "node:path";
import type { AgentConfigRequest } from "@/lib/client/endpoints";
import { fileBlob } from "@/lib/client/node";
import { livePath } from "@/lib/client/paths";
import type { Project } from "@/lib/contract/resources";
import type { CliContext } from "../context";
import { CliError, EXIT, type ExitCode } from "../exit-codes";
import { parseAllowance } from "../live/summary";
import { watchExecution } from "./watch";

export const ENGINES = ["browser", "http", "agent", "simulated"] as const;

export interface RunOptions {
  project?: string;
  engine?: (typeof ENGINES)[number];
  /** A JSON file with the batch's whole agent config (fields, steps, timeouts…); --engine overrides its engine. */
  agent?: string;
  concurrency?: number;
  /** Test mode: true for the server's default sample, or the sample size. */
  test?: boolean | string;
  urlColumn?: string;
  goalColumn?: string;
  idColumn?: string;
  name?: string;
  detach?: boolean;
  allowFailures?: boolean | string;
}

/** The contract's JSON form takes CSVs up to 4 MiB; larger ones go as multipart, read from disk as they are sent. */
const JSON_FORM_MAX_BYTES = 4 * 1024 * 1024;

/** `fleetdeck run <file.csv>`: a batch from the file, an execution of it, then (unless --detach) watched to its end. */
export async function runCommand(ctx: CliContext, file: string, options: RunOptions): Promise<ExitCode> {
  const allowance = parseAllowance(options.allowFailures);
  const sampleSize = sampleSizeOf(options.test);
  const agent = await agentConfigOf(options);
  const size = await fileSize(file);
  const project = await resolveProject(ctx, options.project);

  const common = {
    name: options.name ?? path.basename(file),
    urlColumn: options.urlColumn,
    goalColumn: options.goalColumn,
    idColumn: options.idColumn,
    ...(agent ? { agent } : {}),
  };
  const created =
    size <= JSON_FORM_MAX_BYTES
      ? await ctx.client.createBatchFromText(project.id, { ...common, csv: await fs.readFile(file, "utf8") })
      : await ctx.client.createBatch(project.id, {
          ...common,
          file: await fileBlob(file),
          fileName: path.basename(file),
        });
  if (!ctx.json) {
    ctx.note(`Batch ${created.batch.id} in project "${project.name}": ${created.rowCount} rows`);
    if (created.invalidRowCount)
      ctx.note(
        `${created.invalidRowCount} row(s) skipped: ${created.invalidRows
          .slice(0, 3)
          .map((r) => `row ${r.row}: ${r.reason}`)
          .join("; ")}${created.invalidRowCount > 3 ? "; …" : ""}`,
      );
  }

  const { execution } = await ctx.client.startExecution(created.batch.id, {
    mode: sampleSize === null ? "production" : "test",
    ...(sampleSize ? { sampleSize } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  if (options.detach) {
    if (ctx.json) ctx.out(JSON.stringify({ batch: created.batch, execution }));
    else ctx.out(execution.id);
    return EXIT.ok;
  }
  if (!ctx.json)
    ctx.note(
      `Execution ${execution.id}: ${ctx.server}${livePath({ projectId: project.id, batchId: execution.batchId, executionId: execution.id })}`,
    );
  return watchExecution(ctx, execution.id, allowance);
}

/** null: production; undefined: test mode with the server's default sample; a number: that sample. */
function sampleSizeOf(test: RunOptions["test"]): number | null | undefined {
  if (test === undefined || test === false) return null;
  if (test === true) return undefined;
  if (!/^\d+$/.test(test) || Number(test) < 1)
    throw new CliError(`--test takes a sample size, a whole number from 1, got "${test}"`, EXIT.usage);
  return Number(test);
}

async function fileSize(file: string): Promise<number> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new CliError(`${file} is not a file`, EXIT.usage);
    return stat.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, EXIT.usage);
  }
}

async function agentConfigOf(options: RunOptions): Promise<AgentConfigRequest | undefined> {
  let config: AgentConfigRequest | undefined;
  if (options.agent) {
    try {
      config = JSON.parse(await fs.readFile(options.agent, "utf8")) as AgentConfigRequest;
    } catch (e) {
      throw new CliError(`--agent ${options.agent} is not a readable JSON file: ${(e as Error).message}`, EXIT.usage);
    }
    if (typeof config !== "object" || config === null || Array.isArray(config))
      throw new CliError(`--agent ${options.agent} must hold a JSON object (the batch's agent config)`, EXIT.usage);
  }
  if (options.engine) config = { ...config, engine: options.engine };
  return config;
}

/** --project by id or name (case-insensitive); without it the only project, or the first one (named on stderr). */
export async function resolveProject(ctx: CliContext, wanted: string | undefined): Promise<Project> {
  const { projects } = await ctx.client.listProjects();
  if (wanted) {
    const found =
      projects.find((p) => p.id === wanted) ?? projects.find((p) => p.name.toLowerCase() === wanted.toLowerCase());
    if (found) return found;
    throw new CliError(
      `No project "${wanted}" on ${ctx.server}. ${projects.length ? `Projects: ${names(projects)}` : "There are no projects yet."}`,
      EXIT.usage,
    );
  }
  const first = projects[0];
  if (!first)
    throw new CliError(
      `There is no project on ${ctx.server} yet: create one in the web UI (or POST /api/projects), then run again`,
      EXIT.usage,
    );
  if (projects.length > 1 && !ctx.json)
    ctx.note(`Using project "${first.name}" (choose with --project: ${names(projects)})`);
  return first;
}

const names = (projects: Project[]) => projects.map((p) => `"${p.name}"`).join(", ");
