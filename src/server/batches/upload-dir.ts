import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { log } from "../log";
import { processExists } from "../process-exists";

/**
 * Where multipart uploads are spooled: DATA_DIR/tmp/uploads/<host>-<pid>/, one folder per process. A process
 * killed mid-upload leaves its folder behind; the next start-up sweeps it.
 *
 * Several processes may share one DATA_DIR (cluster mode, or a data folder on a shared disk), so a folder is only
 * removed when its owner is provably gone (it was made on this host and no process has its pid) or when nothing in
 * it has changed for ABANDONED_AFTER_MS. An upload in progress writes its file as the bytes arrive, so it is never
 * that old; the age rule is what frees the folder of a pid since reused by another process, or of another host,
 * whose pids cannot be checked from here. A live owner whose idle folder was swept makes it again on its next upload.
 */

const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

const uploadsRoot = (dataDir: string) => path.join(dataDir, "tmp", "uploads");
const ownFolderName = () => `${os.hostname()}-${process.pid}`;

/** This process's upload folder, created on first use. */
export async function ownUploadDir(dataDir: string): Promise<string> {
  const dir = path.join(uploadsRoot(dataDir), ownFolderName());
  await fs.promises.mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Removes the upload folders whose process is gone; returns the folders removed. Never fails start-up. Run at
 * start-up, before this process takes any upload: a folder under its own name then holds only what an earlier
 * process with the same host name and pid left (in a container every start is pid 1), so it goes too.
 */
export async function sweepUploads(dataDir: string, now = Date.now()): Promise<string[]> {
  const root = uploadsRoot(dataDir);
  const names = await fs.promises.readdir(root).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const folder = path.join(root, name);
    try {
      if (name !== ownFolderName() && (await isLive(name, folder, now))) continue;
      await fs.promises.rm(folder, { recursive: true, force: true });
      removed.push(folder);
    } catch (e) {
      log().warn({ err: e, folder }, "could not sweep a left-over upload folder");
    }
  }
  if (removed.length > 0) log().info({ removed }, "removed the upload files of processes that ended mid-upload");
  return removed;
}

async function isLive(name: string, folder: string, now: number): Promise<boolean> {
  const owner = /^(.+)-(\d+)$/.exec(name);
  if (owner && owner[1] === os.hostname() && !processExists(Number(owner[2]))) return false;
  return now - (await lastTouched(folder)) < ABANDONED_AFTER_MS;
}

/** The newest modification time of the folder and the files in it (an upload in progress keeps writing). */
async function lastTouched(folder: string): Promise<number> {
  const entries = await fs.promises.readdir(folder, { recursive: true }).catch(() => [] as string[]);
  const times = await Promise.all(
    [folder, ...entries.map((e) => path.join(folder, e))].map((p) =>
      fs.promises.stat(p).then(
        (s) => s.mtimeMs,
        () => 0,
      ),
    ),
  );
  return Math.max(...times);
}
