import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { waitFor } from "../helpers/wait";

const root = path.resolve(import.meta.dirname, "../..");

describe("start-up", () => {
  it("a worker that cannot reach PostgreSQL keeps retrying with backoff and says so, instead of exiting", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
      cwd: root,
      // Port 9 (discard) on loopback: nothing listens there, so every connection is refused at once.
      env: {
        ...process.env,
        FLEETDECK_ROLE: "worker",
        DATABASE_URL: "postgres://postgres@127.0.0.1:9/none",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    try {
      await waitFor(
        () => (out.match(/cannot reach the database/g) ?? []).length >= 2,
        "two retry messages",
        30_000,
        100,
      );
      expect(child.exitCode).toBeNull();
      expect(out).toMatch(/retrying in \d+ s/);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
