import { chromium, type Browser } from "playwright-core";
// @ts-expect-error plain ESM script without types
import { findChromium } from "../../scripts/find-chromium.mjs";

/** Launches the machine's Chromium headless; `npm test` makes sure one exists. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium() as string | null;
  if (!executablePath) throw new Error("Chromium not found: run `apt-get install -y chromium` or set CHROMIUM_PATH");
  return chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
