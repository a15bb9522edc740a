import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

/**
 * The `fleetdeck` command as a user runs it (bin/fleetdeck.mjs, through tsx): on a pipe, or under a pseudo-terminal
 * made by util-linux `script`, whose stdin becomes the terminal's keyboard.
 */

const root = path.resolve(import.meta.dirname, "../..");
const bin = path.join(root, "bin/fleetdeck.mjs");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * An environment without the caller's FLEETDECK_*, colour and CI settings, so only what a test passes counts: the
 * suite itself runs in CI, where the command would print plain lines even on a terminal.
 */
function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const rest = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !["FLEETDECK_SERVER", "FLEETDECK_TOKEN", "FORCE_COLOR", "NO_COLOR", "CI", "CONTINUOUS_INTEGRATION"].includes(
          key,
        ) && !key.startsWith("CI_"),
    ),
  );
  return { ...rest, ...env } as NodeJS.ProcessEnv;
}

/** Runs it to its end with stdout and stderr on pipes (no terminal). */
export function runCli(args: string[], env: Record<string, string> = {}, cwd = root): Promise<CliResult> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: cliEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface PtyCli {
  /** Everything the terminal has shown so far, escape codes and all. */
  output(): string;
  /** Types keys on the terminal. */
  press(keys: string): void;
  /** Resolves once the output (from `from`, an offset into it) matches; fails with the output after `timeoutMs`. */
  waitFor(pattern: RegExp, options?: { from?: number; timeoutMs?: number }): Promise<void>;
  exited: Promise<number>;
  kill(): void;
  process: ChildProcess;
}

/** Runs it under a pseudo-terminal of `cols` × `rows` (script gives none of its own size: stty sets it). */
export function ptyCli(args: string[], env: Record<string, string> = {}, cols = 120, rows = 40): PtyCli {
  const command = `stty cols ${cols} rows ${rows}; exec ${[process.execPath, bin, ...args].map(quote).join(" ")}`;
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    cwd: root,
    env: cliEnv({ TERM: "xterm-256color", ...env }),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number>((resolve) => child.once("close", (code) => resolve(code ?? -1)));
  return {
    output: () => out,
    press: (keys) => child.stdin!.write(keys),
    async waitFor(pattern, { from = 0, timeoutMs = 30_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out.slice(from))) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(
            `Timed out waiting for ${pattern} on the terminal; it shows:\n${stripAnsi(out.slice(-3000))}`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    exited,
    kill: () => child.kill("SIGKILL"),
    process: child,
  };
}

/** The text without terminal escape sequences (colours, cursor moves). */
export const stripAnsi = (text: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what this removes
  text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007|\u001b[=>]/g, "");

// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for any escape character
export const hasAnsi = (text: string) => /\u001b/.test(text);
