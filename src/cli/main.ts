import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import pkg from "../../package.json";
import { controlCommand } from "./commands/controls";
import { EXPORT_FORMATS, exportCommand } from "./commands/export";
import { ENGINES, type RunOptions, runCommand } from "./commands/run";
import { statusCommand } from "./commands/status";
import { watchExecution } from "./commands/watch";
import { type CliContext, createContext, DEFAULT_SERVER, type GlobalOptions } from "./context";
import { EXIT, type ExitCode, exitCodeOf, messageOf } from "./exit-codes";
import { parseAllowance } from "./live/summary";

/**
 * `fleetdeck`: start runs, watch them live, steer and export them from a terminal or a CI job (README, "Command
 * line"). Answers the exit code; every failure is reported here once, in the server's words.
 */

const positiveInt = (name: string) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError(`${name} must be a whole number from 1, got "${value}"`);
  return Number(value);
};

const EXIT_CODES_HELP = `
Exit codes:
  0    run/watch: the execution completed with no failed job (or within --allow-failures); other commands: done
  1    the execution finished with failed jobs beyond the allowance, or was stopped
  2    usage: a wrong flag or argument, an unreadable file, or a request the server found invalid (400, 413)
  3    the server could not be reached, or failed (5xx)
  4    the server wants a token (401) or the token's role is too small (403)
  5    the server refused: no such id (404), or the action does not fit the execution's state (409)
  130  interrupted (Ctrl-C); the run goes on

Environment: FLEETDECK_SERVER (default ${DEFAULT_SERVER}), FLEETDECK_TOKEN (an API token, when access control is on).`;

export function buildProgram(run: (action: (ctx: CliContext) => Promise<ExitCode>) => Promise<void>): Command {
  const program = new Command("fleetdeck")
    .description("Run, watch and steer fleetdeck executions from the command line")
    .version(pkg.version)
    .option("--server <url>", `the fleetdeck server (env FLEETDECK_SERVER, default ${DEFAULT_SERVER})`)
    .option("--token <token>", "an API token, for a server with access control on (env FLEETDECK_TOKEN)")
    .option("--json", "machine output: one JSON document, or NDJSON events for run and watch")
    .addHelpText("after", EXIT_CODES_HELP)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();

  const allowFailures = new Option(
    "--allow-failures [count|percent]",
    "exit 0 even with failed jobs: any number, at most <count>, or at most <percent>% of the jobs",
  );

  program
    .command("run")
    .description("create a batch from a CSV file, start an execution and watch it to the end")
    .argument("<file>", "the CSV: one row per job, a column of URLs")
    .option("--project <id|name>", "the project (default: the only or first one)")
    .addOption(new Option("--engine <engine>", "how each row is run (default: the server's, browser)").choices(ENGINES))
    .option(
      "--agent <file.json>",
      "the batch's whole agent config (fields, steps, timeoutMs…); --engine overrides its engine",
    )
    .option("--concurrency <n>", "jobs at once (default 5, up to the server's maximum)", positiveInt("--concurrency"))
    .option("--test [n]", "test mode: run a sample of n rows (default the server's, 5) instead of all")
    .option("--url-column <name>", "the column of URLs (default: the one that looks like URLs)")
    .option("--goal-column <name>", "the column of goals, for the agent engine")
    .option("--id-column <name>", "the column that identifies a row in the results")
    .option("--name <name>", "the batch's name (default: the file's name)")
    .option("--detach", "print the execution's id and return at once, without watching")
    .addOption(allowFailures)
    .action((file: string, options: RunOptions) => run((ctx) => runCommand(ctx, file, options)));

  program
    .command("watch")
    .description("the live view of an execution (q quits, the run goes on); plain lines when not on a terminal")
    .argument("<executionId>")
    .addOption(allowFailures)
    .action((id: string, options: { allowFailures?: string | boolean }) =>
      run((ctx) => watchExecution(ctx, id, parseAllowance(options.allowFailures))),
    );

  program
    .command("pause")
    .description("start no new job; running ones finish")
    .argument("<executionId>")
    .action((id: string) => run((ctx) => controlCommand(ctx, id, { action: "pause" })));
  program
    .command("resume")
    .description("start queued jobs again")
    .argument("<executionId>")
    .action((id: string) => run((ctx) => controlCommand(ctx, id, { action: "resume" })));
  program
    .command("stop")
    .description("cancel the queued jobs; running ones finish")
    .argument("<executionId>")
    .option("--reason <text>", "why, for the activity log and the live view")
    .action((id: string, options: { reason?: string }) =>
      run((ctx) => controlCommand(ctx, id, { action: "stop", reason: options.reason })),
    );
  program
    .command("concurrency")
    .description("change how many jobs run at once, now")
    .argument("<executionId>")
    .argument("<n>")
    .action((id: string, value: string) => run((ctx) => controlCommand(ctx, id, { action: "concurrency", value })));

  program
    .command("export")
    .description("download an execution's results")
    .argument("<executionId>")
    .addOption(new Option("--format <format>", "the file's format").choices(EXPORT_FORMATS).default("csv"))
    .option("-o, --output <file>", "where to write it (default: the server's file name; - for stdout)")
    .action((id: string, options: { format: (typeof EXPORT_FORMATS)[number]; output?: string }) =>
      run((ctx) => exportCommand(ctx, id, options)),
    );

  program
    .command("status")
    .description("the server's health, version and database, and its workers")
    .action(() => run(statusCommand));

  return program;
}

/** Runs the command line `argv` (process.argv's shape) and answers the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  let program: Command | null = null;
  const run = async (action: (ctx: CliContext) => Promise<ExitCode>) => {
    let json = false;
    try {
      const options = program!.opts<GlobalOptions>();
      json = options.json === true;
      code = await action(createContext(options));
    } catch (error) {
      code = exitCodeOf(error);
      process.stderr.write(`fleetdeck: ${messageOf(error)}\n`);
      if (json) process.stdout.write(`${JSON.stringify({ error: errorJson(error), exitCode: code })}\n`);
    }
  };
  program = buildProgram(run);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // commander has printed its message (or the help, or the version) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
  return code;
}

function errorJson(error: unknown) {
  const e = error as { code?: string; status?: number; message?: string };
  return { code: e.code ?? "error", status: e.status ?? null, message: messageOf(error) };
}
