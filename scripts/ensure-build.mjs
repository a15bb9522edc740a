// Builds the Next.js app when there is no build yet or a source file is newer than it.
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const buildId = path.join(root, ".next", "BUILD_ID");

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
const sources = Math.max(
  newestMtime(path.join(root, "src")),
  ...["next.config.ts", "package.json"].map((f) => fs.statSync(path.join(root, f)).mtimeMs),
);
if (built < sources) {
  console.log("Building the web app (next build)…");
  execSync("npx next build", { cwd: root, stdio: "inherit" });
}
