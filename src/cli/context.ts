import { createClient, type FleetdeckClient } from "@/lib/client/endpoints";
import { CliError, EXIT } from "./exit-codes";

/** The options every command takes (README, "Command line"). */
export interface GlobalOptions {
  server?: string;
  token?: string;
  json?: boolean;
}

/** One command's view of where it talks to, as whom, and how it writes. */
export interface CliContext {
  client: FleetdeckClient;
  server: string;
  token: string | null;
  /** Machine output: one JSON document for a one-shot command, NDJSON events for run and watch. */
  json: boolean;
  /** stdout is a terminal outside CI: the live view may draw and colour; otherwise plain lines. */
  tty: boolean;
  out(line: string): void;
  /** Notes for the person (which project was chosen, …): stderr, so stdout stays the command's answer. */
  note(line: string): void;
}

export const DEFAULT_SERVER = "http://localhost:3000";

export function createContext(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): CliContext {
  const server = (options.server || env.FLEETDECK_SERVER || DEFAULT_SERVER).replace(/\/+$/, "");
  const token = options.token || env.FLEETDECK_TOKEN || null;
  if (!/^https?:\/\/[^/]+/.test(server) || !URL.canParse(server))
    throw new CliError(`--server must be an http:// or https:// address, got "${server}"`, EXIT.usage);
  return {
    client: createClient({ baseUrl: server, token }),
    server,
    token,
    json: options.json === true,
    tty: process.stdout.isTTY === true && !isContinuousIntegration(env),
    out: (line) => process.stdout.write(`${line}\n`),
    note: (line) => process.stderr.write(`${line}\n`),
  };
}

/**
 * A CI job, by the variables CI services set (the rule ink itself uses). There ink holds every frame of a live view
 * until it exits, so a job's log would show nothing for the whole run: plain lines serve it, terminal or not.
 */
export function isContinuousIntegration(env: NodeJS.ProcessEnv): boolean {
  if (env.CI === "0" || env.CI === "false") return false;
  return "CI" in env || "CONTINUOUS_INTEGRATION" in env || Object.keys(env).some((key) => key.startsWith("CI_"));
}
