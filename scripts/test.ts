// `npm test`: makes sure Chromium and a web build exist, runs every tier with vitest, and ends
// with one plain line "N passed, N failed" summed over all suites.
import { execSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { findChromium } from "../src/server/agents/chromium";

const root = path.resolve(import.meta.dirname, "..");

function ensureChromium() {
  if (findChromium()) return;
  const isDebianRoot = fs.existsSync("/etc/debian_version") && process.getuid?.() === 0;
  if (isDebianRoot) {
    console.log("Chromium is missing: installing it with apt-get (Debian package 'chromium')…");
    execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", {
      stdio: "inherit",
    });
    if (findChromium()) return;
  }
  console.error(
    "The browser tests need Chromium, and none was found.\n" +
      "Install it with one of:\n" +
      "  sudo apt-get install -y chromium            (Debian/Ubuntu)\n" +
      "  npx playwright install chromium             (elsewhere)\n" +
      "or point CHROMIUM_PATH at a Chromium or Chrome executable.",
  );
  process.exit(1);
}

/** The static checks run first and count as one test each, so a lint or type error fails `npm test`. */
function staticChecks(): { passed: number; failed: number } {
  const checks: [string, string[]][] = [
    ["format and lint (biome ci)", ["biome", "ci", "--reporter=summary", "."]],
    ["types (tsc --noEmit)", ["tsc", "--noEmit"]],
  ];
  let passed = 0;
  let failed = 0;
  for (const [name, args] of checks) {
    const check = spawnSync("npx", args, { cwd: root, stdio: "inherit" });
    if (check.status === 0) passed++;
    else {
      failed++;
      console.error(`✗ ${name} failed: see above (npm run lint:fix applies the formatter and safe fixes)`);
    }
  }
  return { passed, failed };
}

const checks = staticChecks();
ensureChromium();
execSync("node scripts/ensure-build.mjs", { cwd: root, stdio: "inherit" });

const report = path.join(os.tmpdir(), `fleetdeck-vitest-${process.pid}.json`);
const args = [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
];
const run = spawnSync("npx", args, { cwd: root, stdio: "inherit" });

let passed = checks.passed;
let failed = checks.failed;
if (fs.existsSync(report)) {
  const results = JSON.parse(fs.readFileSync(report, "utf8"));
  passed += results.numPassedTests;
  failed += results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
  fs.rmSync(report, { force: true });
} else {
  failed += 1;
}
if (passed + failed === 0) failed = 1; // a run that tested nothing is not a pass
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
