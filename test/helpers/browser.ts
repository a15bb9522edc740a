import { type Browser, type BrowserContext, chromium } from "playwright-core";
import { findChromium } from "@/server/agents/chromium";

/**
 * Launches the machine's Chromium headless; `npm test` makes sure one exists.
 *
 * Every page the e2e suite opens runs under the app's Content-Security-Policy, and a violation (a script,
 * style or connection the policy blocked) fails the suite: `close()` throws with the violations seen.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("Chromium not found: run `apt-get install -y chromium` or set CHROMIUM_PATH");
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return failOnCspViolations(browser);
}

function failOnCspViolations(browser: Browser): Browser {
  const violations: string[] = [];
  const watch = async (context: BrowserContext) => {
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) =>
        console.error(
          `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} on ${location.pathname}`,
        ),
      );
    });
    context.on("console", (message) => {
      if (message.type() === "error" && /CSP violation|Content Security Policy/.test(message.text()))
        violations.push(message.text());
    });
    return context;
  };
  const newContext = browser.newContext.bind(browser);
  const close = browser.close.bind(browser);
  browser.newContext = async (...args) => watch(await newContext(...args));
  browser.close = async (...args) => {
    await close(...args);
    if (violations.length > 0)
      throw new Error(`Content-Security-Policy violations in the e2e suite:\n${[...new Set(violations)].join("\n")}`);
  };
  return browser;
}
