import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface RunningServer {
  url: string;
  dataDir: string;
  process: ChildProcess;
  /** Graceful stop (SIGTERM), waits for exit. */
  stop(): Promise<void>;
  /** SIGKILL, waits for exit. */
  kill(): Promise<void>;
  output(): string;
}

const root = path.resolve(import.meta.dirname, "../..");

/**
 * Starts the real server (`tsx server.ts`, production build) on a free port with its own data folder.
 * `npm test` builds the app first; role "worker" prints no URL and serves no HTTP.
 */
export async function startServer(
  env: Record<string, string> = {},
  options: { timeoutMs?: number } = {},
): Promise<RunningServer> {
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "fleetdeck-e2e-"));
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      SEED_DEMO: "false",
      DATA_DIR: dataDir,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Nobody will stop a server its test never got: it must not outlive the run (it did, orphaned, and held CPU).
      child.kill("SIGKILL");
      reject(new Error(`server did not start in time:\n${out}`));
    }, options.timeoutMs ?? 60_000);
    const check = () => {
      const m = out.match(/ready at (http:\/\/\S+)/) ?? out.match(/fleetdeck worker/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? "");
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });

  return {
    url: url.replace("localhost", "127.0.0.1"),
    dataDir,
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
