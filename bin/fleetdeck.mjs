#!/usr/bin/env node
// The `fleetdeck` command: the repository runs TypeScript through tsx, so register it (with this repository's
// tsconfig, for the `@/` paths, wherever the command is run from) and hand over to the CLI.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
register({ tsconfig: path.join(root, "tsconfig.json") });
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv);
