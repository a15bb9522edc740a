import { execSync } from "node:child_process";
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { postgresBaseUrl } from "./postgres";

export interface PostgresCpu {
  /** CPU seconds (user + system) the server's processes spent on the run. */
  cpuSeconds: number;
  /** cpuSeconds ÷ wall seconds: how many cores PostgreSQL kept busy on average. */
  coresUsed: number;
  /** Processes counted (alive at some sample). */
  processes: number;
  /** Of those, gone by the end: each may miss up to one sampling interval of CPU. */
  exited: number;
}

const TICKS_PER_SECOND = clockTicks();

/**
 * Samples utime + stime of the PostgreSQL server's processes in /proc every `everyMs` until stop(): the postmaster,
 * its background processes and the backends of `databaseName`. Backends of other databases are left out, so another
 * run on the same server does not count as this one (the sampling connection sits on the base database, so it does
 * not count either). Sampling all along, not just at both ends, keeps backends that a pool closes mid-run (pg.Pool
 * ends idle ones after 10 s) in the sum. NaN when the server is not on this machine.
 */
export async function postgresCpu(databaseName: string, everyMs = 250): Promise<{ stop(): Promise<PostgresCpu> }> {
  const sql = postgres(postgresBaseUrl()!, { max: 1, onnotice: () => {} });
  /** pid → ticks at its first and its latest sample; a process first seen after the start counts from 0. */
  const seen = new Map<number, { first: number; last: number }>();
  let alive = new Set<number>();
  const sample = async (atStart: boolean) => {
    const others = await sql<{ pid: number }[]>`
      select pid from pg_stat_activity where datname is not null and datname <> ${databaseName}`;
    const excluded = new Set(others.map((r) => r.pid));
    alive = new Set();
    for (const [pid, ticks] of postgresProcessTicks()) {
      if (excluded.has(pid)) {
        seen.delete(pid); // a new backend of another database, seen before pg_stat_activity listed it
        continue;
      }
      alive.add(pid);
      const known = seen.get(pid);
      if (known) known.last = ticks;
      else seen.set(pid, { first: atStart ? ticks : 0, last: ticks });
    }
  };
  await sample(true);
  const t0 = performance.now();
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, everyMs));
      if (running) await sample(false).catch(() => {});
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await sample(false);
      const seconds = (performance.now() - t0) / 1000;
      await sql.end({ timeout: 1 });
      if (seen.size === 0) return { cpuSeconds: NaN, coresUsed: NaN, processes: 0, exited: 0 };
      let ticks = 0;
      for (const { first, last } of seen.values()) ticks += last - first;
      const cpuSeconds = ticks / TICKS_PER_SECOND;
      return {
        cpuSeconds,
        coresUsed: cpuSeconds / seconds,
        processes: seen.size,
        exited: [...seen.keys()].filter((pid) => !alive.has(pid)).length,
      };
    },
  };
}

/** pid → utime + stime (clock ticks) of every process whose command name starts with "postgres". */
function postgresProcessTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return ticks;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // it exited while we looked
    }
    // The command name sits in parentheses and may hold spaces; the numbered fields follow it.
    const close = stat.lastIndexOf(")");
    if (!stat.slice(stat.indexOf("(") + 1, close).startsWith("postgres")) continue;
    const fields = stat.slice(close + 2).split(" ");
    // fields[0] is field 3 of proc(5); utime and stime are fields 14 and 15.
    ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
  }
  return ticks;
}

function clockTicks(): number {
  try {
    return Number(execSync("getconf CLK_TCK", { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}
