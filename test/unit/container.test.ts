import { spawn } from "node:child_process";
import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Ajv } from "ajv";
import {
  DockerfileParser,
  type Env as EnvInstruction,
  type Healthcheck,
  type Instruction,
  type JSONInstruction,
  type ModifiableInstruction,
} from "dockerfile-ast";
import { ValidationSeverity, validate } from "dockerfile-utils";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadEnv } from "@/server/env";

// Docker cannot run here, so the image and the compose file are checked as text: a linter, the Compose schema,
// and the facts the app itself depends on (its start command, its configuration rules, its health route).

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

const dockerfileText = read("Dockerfile");
const dockerfile = DockerfileParser.parse(dockerfileText);
const stages = splitStages(dockerfile.getInstructions());
const runtime = stages.at(-1)!;

function splitStages(instructions: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const i of instructions) {
    if (i.getKeyword() === "FROM") out.push([]);
    out.at(-1)?.push(i);
  }
  return out;
}

/** COPY's --from flag is a flag, not an argument: dockerfile-ast keeps them apart. */
const fromBuild = (i: Instruction) =>
  i.getKeyword() === "COPY" &&
  (i as ModifiableInstruction).getFlags().some((f) => f.getName() === "from" && f.getValue() === "build");
const jsonArgs = (i: Instruction) => (i as JSONInstruction).getJSONStrings().map((s) => s.getJSONValue());
const last = (keyword: string) => runtime.filter((i) => i.getKeyword() === keyword).at(-1);

function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of runtime.filter((i) => i.getKeyword() === "ENV")) {
    for (const p of (i as EnvInstruction).getProperties()) env[p.getName()] = p.getValue() ?? "";
  }
  return env;
}

/** The command test/helpers/server.ts spawns, read from its source: `spawn(process.execPath, [...args])`. */
function testServerCommand(): string[] {
  const source = ts.createSourceFile("server.ts", read("test/helpers/server.ts"), ts.ScriptTarget.Latest, true);
  let command: string[] | null = null;
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "spawn") {
      const [program, args] = node.arguments;
      if (program?.getText() === "process.execPath" && args && ts.isArrayLiteralExpression(args)) {
        command = [
          "node",
          ...args.elements.map((e) => {
            if (!ts.isStringLiteral(e)) throw new Error(`non-literal spawn argument: ${e.getText()}`);
            return e.text;
          }),
        ];
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (!command) throw new Error("no spawn(process.execPath, [...]) in test/helpers/server.ts");
  return command;
}

describe("Dockerfile", () => {
  it("has no linter finding, with every check raised to an error", () => {
    const strict = ValidationSeverity.ERROR;
    const findings = validate(dockerfileText, {
      deprecatedMaintainer: strict,
      directiveCasing: strict,
      emptyContinuationLine: strict,
      instructionCasing: strict,
      instructionCmdMultiple: strict,
      instructionEntrypointMultiple: strict,
      instructionHealthcheckMultiple: strict,
      instructionJSONInSingleQuotes: strict,
      instructionWorkdirRelative: strict,
    });
    expect(findings.map((f) => `line ${f.range.start.line + 1}: ${f.message}`)).toEqual([]);
  });

  it("the linter catches a broken Dockerfile (so a clean result means something)", () => {
    const broken = "FROM node:20\nMAINTAINER someone\nHEALTHCHECK --interval=soon CMD true\nUSER\nCMD a\nCMD b\n";
    expect(validate(broken).length).toBeGreaterThanOrEqual(4);
  });

  it("builds in one stage and runs from node:20-bookworm-slim in another", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage[0]!.getArgumentsContent()).toMatch(/^node:20-bookworm-slim\b/);
    expect(runtime.some(fromBuild)).toBe(true);
  });

  it("starts the image with the exact command the test suite runs", () => {
    const cmd = last("CMD");
    expect(cmd && jsonArgs(cmd)).toEqual(testServerCommand());
    expect(runtime.some((i) => i.getKeyword() === "ENTRYPOINT")).toBe(false);
  });

  it("runs as a user other than root", () => {
    const user = last("USER")?.getArgumentsContent()?.trim();
    expect(user).toBeTruthy();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    // USER must come after the steps that need root and before the command.
    const at = (k: string) => runtime.findLastIndex((i) => i.getKeyword() === k);
    expect(at("USER")).toBeGreaterThan(at("RUN"));
  });

  it("is configured so fleetdeck accepts it: listening beyond loopback requires AUTH=on", () => {
    const env = imageEnv();
    expect(env).toMatchObject({ HOST: "0.0.0.0", AUTH: "on", NODE_ENV: "production", DATA_DIR: "/data" });
    expect(() => loadEnv(env)).not.toThrow();
    expect(() => loadEnv({ ...env, AUTH: "off" })).toThrow(/HOST/);
    expect(last("VOLUME")?.getArgumentsContent()).toContain("/data");
    expect(last("EXPOSE")?.getArgumentsContent()).toBe(env.PORT);
  });

  it("ships every file the runtime stage copies from the repository", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    const copied = runtime
      .filter(fromBuild)
      .flatMap((i) => i.getArguments().slice(0, -1))
      .map((a) => a.getValue())
      .map((v) => path.relative("/app", v));
    expect(copied).toContain("server.ts");
    // Built or installed in the build stage; everything else must come from the build context.
    for (const file of copied.filter((f) => f !== "node_modules" && f !== ".next")) {
      expect(fs.existsSync(path.join(root, file)), file).toBe(true);
      expect(
        ignored.some((pattern) => pattern === file || file.startsWith(`${pattern}/`)),
        file,
      ).toBe(false);
    }
  });

  it("health-checks /api/health and trusts its status code", async () => {
    const check = last("HEALTHCHECK")!;
    const sub = (check as Healthcheck).getSubcommand();
    expect(sub?.getValue()).toBe("CMD");
    const argv = (check.getArgumentsContent() ?? "").slice((check.getArgumentsContent() ?? "").indexOf("["));
    const [program, ...args] = JSON.parse(argv) as string[];
    expect(program).toBe("node"); // the image has no curl

    // Run the probe for real against a stand-in server: it must ask for /api/health on $PORT and fail on a 503.
    for (const status of [200, 503]) {
      const paths: string[] = [];
      const server = createServer((req, res) => {
        paths.push(req.url ?? "");
        res.writeHead(status).end("{}");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const port = (server.address() as AddressInfo).port;
      const probe = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, args, {
          env: { ...process.env, PORT: String(port) },
          stdio: "ignore",
        });
        child.once("exit", resolve);
      });
      server.close();
      expect(paths).toEqual(["/api/health"]);
      expect(probe).toBe(status === 200 ? 0 : 1);
    }
  });
});

// compose-spec.json is vendored from github.com/compose-spec/compose-spec, schema/compose-spec.json at commit
// a08f8d51631b7127ddac3d2c65537db429d0f1d0 (2025-10-21, "Update compose-spec.json"); draft-07 JSON Schema,
// reformatted by Biome only. strictTypes is off because that schema (not ours) leaves some types implicit.
const composeSchema = JSON.parse(fs.readFileSync(path.join(root, "test/fixtures/compose-spec.json"), "utf8"));

// Compose resolves YAML merge keys (`<<: *anchor`) before it validates, and so does this parse.
const compose = parseYaml(read("compose.yaml"), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  healthcheck?: { test?: string[]; disable?: boolean };
  ports?: string[];
  volumes?: string[];
}

/** `${NAME:-default}` as Compose interpolates it with nothing set in the shell. */
const withDefaults = (value: string) => value.replace(/\$\{[A-Z0-9_]+:?-([^}]*)\}/g, "$1");

/** The schema names draft-07 by its https address; Ajv knows draft-07 by its http one. Same meta-schema. */
function composeValidator() {
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  const draft7 = ajv.getSchema("http://json-schema.org/draft-07/schema")!.schema as object;
  ajv.addMetaSchema({ ...draft7, $id: "https://json-schema.org/draft-07/schema" });
  return { ajv, check: ajv.compile(composeSchema) };
}

describe("compose.yaml", () => {
  it("is valid against the Compose specification's schema", () => {
    const { ajv, check } = composeValidator();
    const valid = check(compose);
    expect(check.errors ?? [], ajv.errorsText(check.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it("the schema check rejects a broken file (so passing it means something)", () => {
    const { check } = composeValidator();
    expect(check({ services: { web: { image: "x", replica: 2 } } })).toBe(false);
    expect(check({ services: { web: { image: "x", depends_on: { db: { condition: "healthy" } } } } })).toBe(false);
  });

  it("runs PostgreSQL 16 with a health check and a volume", () => {
    const pg = compose.services.postgres!;
    expect(pg.image).toMatch(/^postgres:16\b/);
    expect(pg.healthcheck?.test?.join(" ")).toContain("pg_isready");
    const [volume] = (pg.volumes ?? [])[0]!.split(":");
    expect(compose.volumes).toHaveProperty(volume!);
  });

  const fleetdeck = Object.entries(compose.services).filter(([name]) => name !== "postgres");
  const replicas = (s: Service) => s.deploy?.replicas ?? 1;
  const role = (s: Service) => s.environment?.FLEETDECK_ROLE;

  it("runs one web process and two workers, all from the image", () => {
    const web = fleetdeck.filter(([, s]) => role(s) === "web");
    const workers = fleetdeck.filter(([, s]) => role(s) === "worker");
    expect(web.reduce((n, [, s]) => n + replicas(s), 0)).toBe(1);
    expect(workers.reduce((n, [, s]) => n + replicas(s), 0)).toBe(2);
    expect(web[0]![1].ports).toContainEqual(expect.stringMatching(/:3000$/));
    for (const [, s] of fleetdeck) expect(s.build).toBe(".");
  });

  it("gives each fleetdeck process the database and waits until it is healthy", () => {
    for (const [name, s] of fleetdeck) {
      expect(s.depends_on, name).toEqual({ postgres: { condition: "service_healthy" } });
      const url = new URL(withDefaults(s.environment?.DATABASE_URL ?? ""));
      expect(url.protocol, name).toBe("postgres:");
      expect(url.hostname, name).toBe("postgres");
    }
  });

  it("configures every process so fleetdeck accepts it on top of the image's settings", () => {
    for (const [name, s] of fleetdeck) {
      const env = {
        ...imageEnv(),
        ...Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, withDefaults(v)])),
      };
      expect(() => loadEnv(env), name).not.toThrow();
      expect(loadEnv(env).PUBLIC_URL, name).toBe("http://localhost:3000");
    }
  });

  it("does not health-check workers over HTTP, which they do not serve", () => {
    for (const [name, s] of fleetdeck.filter(([, s]) => role(s) === "worker"))
      expect(s.healthcheck, name).toEqual({ disable: true });
  });
});
