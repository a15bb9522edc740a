import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** CHROMIUM_PATH, else Playwright's installed browser, else the usual system paths. Null when none is found. */
export function findChromium(env = process.env) {
  if (env.CHROMIUM_PATH) return fs.existsSync(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : null;
  const candidates = [];
  const cache = env.PLAYWRIGHT_BROWSERS_PATH || path.join(os.homedir(), ".cache", "ms-playwright");
  if (fs.existsSync(cache)) {
    for (const dir of fs.readdirSync(cache).filter((d) => d.startsWith("chromium")).sort().reverse()) {
      candidates.push(path.join(cache, dir, "chrome-linux", "chrome"), path.join(cache, dir, "chrome-linux64", "chrome"));
    }
  }
  candidates.push(
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/opt/google/chrome/chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
  );
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}
