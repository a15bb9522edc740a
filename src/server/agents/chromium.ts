import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Where the browser engine finds Chromium: CHROMIUM_PATH, else Playwright's installed browser, else the usual
 * system paths; null when none is found. `npm test` uses it too, to install Chromium when it is missing.
 */
export function findChromium(env: Record<string, string | undefined> = process.env): string | null {
  if (env.CHROMIUM_PATH) return fs.existsSync(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : null;
  const candidates: string[] = [];
  const cache = env.PLAYWRIGHT_BROWSERS_PATH || path.join(os.homedir(), ".cache", "ms-playwright");
  if (fs.existsSync(cache)) {
    const dirs = fs
      .readdirSync(cache)
      .filter((d) => d.startsWith("chromium"))
      .sort()
      .reverse();
    for (const dir of dirs) {
      candidates.push(
        path.join(cache, dir, "chrome-linux", "chrome"),
        path.join(cache, dir, "chrome-linux64", "chrome"),
      );
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

export const HOW_TO_GET_CHROMIUM =
  "No Chromium was found, so the browser engine falls back to the http engine (static pages only). " +
  "To get real browser agents install one: `sudo apt-get install -y chromium` (Debian/Ubuntu), " +
  "`npx playwright install chromium` (elsewhere), or set CHROMIUM_PATH to a Chromium or Chrome executable.";
