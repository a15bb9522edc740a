import { chromium, type Browser } from "playwright-core";
import { findChromium } from "@/server/agents/chromium";

/** Launches the machine's Chromium headless; `npm test` makes sure one exists. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("Chromium not found: run `apt-get install -y chromium` or set CHROMIUM_PATH");
  return chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
