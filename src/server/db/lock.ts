import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { processExists } from "../process-exists";

/**
 * PGlite has no multi-process support: two instances on one folder silently lose writes. So one process at a
 * time owns a data folder, by an exclusive `flock` on `fleetdeck.lock` held for the life of the process. The
 * kernel releases it when the holder dies however it dies, and taking it is atomic: no stale lock, no pid that
 * may have been reused, no take-over race. The file is never deleted (a new file would be a second lock); the pid
 * in it only names the owner in the error message.
 *
 * `flock` comes from the native `fs-ext` addon. Where it could not be built, a pid file is the fallback: weaker
 * (a stale file naming a live unrelated process blocks start-up), and the log says so.
 */

export const LOCK_FILE = "fleetdeck.lock";

type Flock = (fd: number, flags: "exnb" | "un") => void;

const require = createRequire(import.meta.url);

function loadFlock(): Flock | null {
  try {
    return (require("fs-ext") as { flockSync: Flock }).flockSync;
  } catch {
    return null;
  }
}

export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  const flock = loadFlock();
  return flock ? lockWithFlock(lockPath, dataDir, flock) : lockWithPidFile(lockPath, dataDir);
}

function inUse(dataDir: string, owner: string): Error {
  return new Error(
    `The data folder ${dataDir} is already in use${owner ? ` by process ${owner}` : ""}. ` +
      `Stop that process, or set DATA_DIR to another folder (or DATABASE_URL to share a PostgreSQL).`,
  );
}

function lockWithFlock(lockPath: string, dataDir: string, flock: Flock): () => void {
  // Opened without truncating: the file's content belongs to whoever holds the lock.
  const fd = fs.openSync(lockPath, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  try {
    flock(fd, "exnb");
  } catch (e) {
    fs.closeSync(fd);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EWOULDBLOCK" || code === "EAGAIN") throw inUse(dataDir, readOwner(lockPath));
    throw e;
  }
  fs.ftruncateSync(fd, 0);
  fs.writeSync(fd, String(process.pid), 0);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    try {
      fs.ftruncateSync(fd, 0);
      flock(fd, "un");
    } finally {
      fs.closeSync(fd);
    }
  };
}

function readOwner(lockPath: string): string {
  try {
    return fs.readFileSync(lockPath, "utf8").trim();
  } catch {
    return "";
  }
}

function lockWithPidFile(lockPath: string, dataDir: string): () => void {
  console.warn(
    "fleetdeck: the native fs-ext module is not available, so the data-folder lock falls back to a pid file " +
      "(a lock left by a crash is taken over only when its pid is not running).",
  );
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (readOwner(lockPath) === String(process.pid)) fs.rmSync(lockPath, { force: true });
      };
      process.once("exit", release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = readOwner(lockPath);
      const pid = Number(owner);
      if (pid && pid !== process.pid && processExists(pid)) throw inUse(dataDir, owner);
      fs.rmSync(lockPath, { force: true }); // a crashed process's lock
    }
  }
  throw new Error(`Could not lock the data folder ${dataDir}`);
}
