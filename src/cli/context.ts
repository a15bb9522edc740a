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
  /** stdout is a terminal: the live view may draw and colour; otherwise plain lines. */
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
    tty: process.stdout.isTTY === true,
    out: (line) => process.stdout.write(`${line}\n`),
    note: (line) => process.stderr.write(`${line}\n`),
  };
}
