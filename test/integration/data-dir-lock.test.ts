import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LOCK_FILE, lockDataDir } from "@/server/db/lock";

const root = path.resolve(import.meta.dirname, "../..");
const temps: string[] = [];
const children: ChildProcess[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleetdeck-lock-"));
  temps.push(dir);
  return dir;
};
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function contender(dir: string, name: string, trials: number) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/fixtures/lock-contender.ts", dir, name, String(trials)],
    { cwd: root, stdio: ["ignore", "ignore", "pipe"] },
  );
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function waitForFile(file: string, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > until) throw new Error(`${file} never appeared`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return fs.readFileSync(file, "utf8");
}

describe("data-folder lock", () => {
  it("lets exactly one of two processes that start together take a folder with a crashed owner's lock, 20 times", async () => {
    const dir = tempDir();
    const trials = 20;
    for (let n = 0; n < trials; n++) {
      // What a crashed process leaves behind: its lock file, naming a pid that is not running.
      fs.mkdirSync(path.join(dir, `dir-${n}`));
      fs.writeFileSync(path.join(dir, `dir-${n}`, LOCK_FILE), "4194303");
    }
    const a = contender(dir, "a", trials);
    const b = contender(dir, "b", trials);
    const winners: number[] = [];
    for (let n = 0; n < trials; n++) {
      fs.writeFileSync(path.join(dir, `go-${n}`), "");
      const results = await Promise.all(["a", "b"].map((name) => waitForFile(path.join(dir, `result-${n}-${name}`))));
      winners.push(results.filter((r) => r === "locked").length);
      for (const r of results) if (r !== "locked") expect(r).toMatch(/already in use/);
      fs.writeFileSync(path.join(dir, `end-${n}`), "");
    }
    expect(await a.exited, a.stderr()).toBe(0);
    expect(await b.exited, b.stderr()).toBe(0);
    expect(winners).toEqual(Array(trials).fill(1));
  });

  it("is not fooled by a lock file naming a live process that does not hold the lock (pid reuse)", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, LOCK_FILE), String(process.ppid)); // alive, and not a fleetdeck owner
    const release = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), "utf8")).toBe(String(process.pid));
    release();
  });

  it("is released by the kernel the moment its holder is killed, and refuses a second owner while held", async () => {
    const dir = tempDir();
    const holder = contender(dir, "holder", 1);
    fs.writeFileSync(path.join(dir, "go-0"), "");
    expect(await waitForFile(path.join(dir, "result-0-holder"))).toBe("locked");

    expect(() => lockDataDir(path.join(dir, "dir-0"))).toThrow(
      new RegExp(`already in use by process ${holder.child.pid}`),
    );
    holder.child.kill("SIGKILL");
    await holder.exited;

    const release = lockDataDir(path.join(dir, "dir-0"));
    release();
  });
});
