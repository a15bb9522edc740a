import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

export interface UiResult {
  usableMs: number;
  fps: number;
  worstSecondFps: number;
  longestTaskMs: number;
  longTasks: number;
  streamSeconds: number;
}

/** The UI's own measuring script (scripts/measure-ui.ts), called as is: real server, headless Chromium. */
export async function measureUi(jobs: number): Promise<UiResult> {
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", "scripts/measure-ui.ts", "--jobs", String(jobs), "--results", "0"],
    {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 900_000,
    },
  );
  const num = (re: RegExp) => {
    const m = re.exec(stdout);
    if (!m) throw new Error(`measure-ui output not understood (${re}):\n${stdout}`);
    return m[1] === "n/a" ? NaN : Number(m[1]);
  };
  return {
    usableMs: num(/time to a usable live view:\s+([\d.]+) ms/),
    fps: num(/frames per second:\s+([\d.]+) average/),
    worstSecondFps: num(/average, ([\d.]+|n\/a) in the worst full second/),
    longestTaskMs: num(/longest main-thread task:\s+([\d.]+) ms/),
    longTasks: num(/\((\d+) tasks over 50 ms\)/),
    streamSeconds: num(/streaming window:\s+([\d.]+) s/),
  };
}
