import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as projectBatchesRoute from "@/app/api/projects/[id]/batches/route";
import * as projectsRoute from "@/app/api/projects/route";
import { sweepUploads } from "@/server/batches/upload-dir";
import { startBackground } from "@/server/boot";
import { call } from "../helpers/http";
import { startTestRuntime, type TestRuntime } from "../helpers/runtime";

/**
 * A process killed mid-upload used to leave its spooled file in the system temp folder for good. Uploads are
 * spooled under DATA_DIR/tmp/uploads/<host>-<pid>/ now, and start-up removes the folders of processes that are gone.
 */
describe("upload temp files", () => {
  let dataDir: string;
  let t: TestRuntime | null = null;
  const uploadsRoot = () => path.join(dataDir, "tmp", "uploads");
  const filesUnder = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String) : []);

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fleetdeck-upload-test-"));
  });
  afterEach(async () => {
    await t?.stop();
    t = null;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A pid that no process holds any more: a child that has exited and been reaped. */
  const deadPid = () => spawnSync(process.execPath, ["-e", "0"]).pid!;

  function orphan(folder: string): string {
    const file = path.join(uploadsRoot(), folder, "upload-abc", "upload.csv");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "url\nexample.com\n");
    return file;
  }

  it("start-up removes the upload of a process that is gone and keeps those of live processes", async () => {
    const dead = orphan(`${os.hostname()}-${deadPid()}`);
    const live = orphan(`${os.hostname()}-${process.ppid}`); // another live process sharing the DATA_DIR
    const otherHost = orphan(`some-other-host-${deadPid()}`); // its pids cannot be judged from here
    t = await startTestRuntime("pglite", { DATA_DIR: dataDir });
    await startBackground(t.runtime);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.existsSync(otherHost)).toBe(true);

    // Left untouched for longer than any upload takes (an upload in progress keeps writing), a folder goes too,
    // whoever holds its pid now; a live owner makes its folder again on its next upload.
    const folderOf = (file: string) => path.dirname(path.dirname(file));
    const dayLater = Date.now() + 25 * 60 * 60 * 1000;
    expect((await sweepUploads(dataDir, dayLater)).sort()).toEqual([folderOf(live), folderOf(otherHost)].sort());
  });

  it("start-up removes what an earlier process of the same host and pid left (a container restarts as pid 1)", async () => {
    const leftover = orphan(`${os.hostname()}-${process.pid}`);
    t = await startTestRuntime("pglite", { DATA_DIR: dataDir });
    await startBackground(t.runtime);
    expect(fs.existsSync(leftover)).toBe(false);
  });

  it("spools a multipart upload under DATA_DIR while it arrives, and removes it afterwards", async () => {
    t = await startTestRuntime("pglite", { DATA_DIR: dataDir });
    const projectId = (await call(projectsRoute.POST, { json: { name: "Uploads" } })).body.project.id;
    const boundary = "b0undary";
    const encoder = new TextEncoder();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(
          encoder.encode(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nurl\nexample.com\n`,
          ),
        );
        await held;
        controller.enqueue(encoder.encode(`example.org\n\r\n--${boundary}--\r\n`));
        controller.close();
      },
    });
    const request = new Request("http://localhost/", {
      method: "POST",
      body,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      duplex: "half",
    } as RequestInit);
    const answer = projectBatchesRoute.POST(request, { params: Promise.resolve({ id: projectId }) });

    const ownFolder = path.join(uploadsRoot(), `${os.hostname()}-${process.pid}`);
    for (let i = 0; i < 200 && !filesUnder(ownFolder).some((f) => f.endsWith("upload.csv")); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(filesUnder(ownFolder).some((f) => f.endsWith("upload.csv"))).toBe(true);
    release();
    const res = await answer;
    expect(res.status).toBe(201);
    expect(((await res.json()) as { rowCount: number }).rowCount).toBe(2);
    expect(filesUnder(ownFolder)).toEqual([]);
  });
});
