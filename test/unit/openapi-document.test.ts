import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import * as jobRoute from "@/app/api/jobs/[id]/route";
import { buildOpenApiDocument } from "@/server/openapi/document";
import { mismatch, operationForHandler, operationForPath, routeFiles } from "../helpers/openapi";

/**
 * The OpenAPI document (src/server/openapi/) is valid OpenAPI 3.1, and it and the route files agree: every exported
 * handler of every route.ts under src/app (the demo site aside) has exactly one operation, and every operation a
 * handler. The answers themselves are checked against it in every integration test (test/helpers/http.ts).
 */

const document = buildOpenApiDocument({ version: "1.2.3", maxConcurrency: 7 });

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(document)));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("has exactly one operation for every route handler, and a handler for every operation", () => {
    const routes = routeFiles();
    expect(routes.length).toBeGreaterThan(30);
    expect(
      routes.filter((r) => r.methods.length === 0).map((r) => r.file),
      "routes exporting no method",
    ).toEqual([]);
    const handlers = routes.flatMap((r) => r.methods.map((m) => `${m} ${r.path}`)).sort();
    const operations = Object.entries(document.paths ?? {})
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((key) => ["get", "put", "post", "delete", "options", "head", "patch", "trace"].includes(key))
          .map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(
      handlers.filter((h) => !operations.includes(h)),
      "route handlers without an operation",
    ).toEqual([]);
    expect(
      operations.filter((o) => !handlers.includes(o)),
      "operations without a route handler",
    ).toEqual([]);
  });

  it("gives every operation a unique id, a tag, a summary and the error shape for its failures", () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const [method, operation] of Object.entries(item)) {
        const name = `${method} ${path}`;
        expect(operation.operationId, name).toBeTruthy();
        expect(ids.has(operation.operationId), `${name}: operationId ${operation.operationId} taken`).toBe(false);
        ids.add(operation.operationId);
        expect(operation.tags, name).toHaveLength(1);
        expect(operation.summary, name).toBeTruthy();
        const statuses = Object.keys(operation.responses ?? {});
        expect(
          statuses.some((s: string) => s.startsWith("2") || s.startsWith("3")),
          name,
        ).toBe(true);
        for (const status of statuses.filter((s: string) => Number(s) >= 400)) {
          expect(operation.responses[status].content["application/json"].schema, `${name} ${status}`).toEqual({
            $ref: "#/components/schemas/ApiError",
          });
        }
      }
    }
  });

  it("builds the schemas that depend on configuration with the server's values", () => {
    const start = document.paths?.["/api/batches/{id}/executions"]?.post;
    const body = start?.requestBody as { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
    expect(body.content["application/json"]?.schema.properties.concurrency).toMatchObject({ minimum: 1, maximum: 7 });
    expect(document.info.version).toBe("1.2.3");
  });

  it("marks the public operations as needing no credential and the others as taking a session or a token", () => {
    expect(document.paths?.["/api/health"]?.get?.security).toEqual([]);
    expect(document.paths?.["/api/projects"]?.get?.security).toEqual([{ sessionCookie: [] }, { bearerToken: [] }]);
    expect(document.paths?.["/api/tokens"]?.post?.security).toEqual([{ sessionCookie: [] }]);
    expect(Object.keys(document.components?.securitySchemes ?? {}).sort()).toEqual(["bearerToken", "sessionCookie"]);
  });

  it("finds the operation a request reaches from its handler or its path", async () => {
    expect(await operationForHandler(jobRoute.GET)).toEqual({ method: "GET", path: "/api/jobs/{id}" });
    expect(await operationForHandler(() => undefined)).toBeUndefined();
    expect(operationForPath("GET", "/api/jobs/j1/screenshot")).toEqual({
      method: "GET",
      path: "/api/jobs/{id}/screenshot",
    });
    expect(operationForPath("GET", "/api/openapi.json")).toEqual({ method: "GET", path: "/api/openapi.json" });
    expect(operationForPath("PUT", "/api/jobs/j1")).toBeUndefined();
  });

  it("tells an answer that matches its operation from one that does not", () => {
    const project = {
      id: "p1",
      name: "Shop audit",
      createdAt: "2026-01-02T03:04:05.000Z",
      updatedAt: "2026-01-02T03:04:05.000Z",
      role: "admin",
    };
    const getProject = { method: "GET", path: "/api/projects/{id}" };
    expect(mismatch(getProject, 200, "application/json", { project })).toBeNull();
    expect(mismatch(getProject, 200, "application/json", { project: { ...project, role: "owner" } })).toMatch(/role/);
    expect(mismatch(getProject, 200, "application/json", { project: { ...project, secret: 1 } })).toMatch(/additional/);
    expect(mismatch(getProject, 200, "application/json", { project: { ...project, createdAt: "yesterday" } })).toMatch(
      /createdAt/,
    );
    expect(mismatch(getProject, 418, "application/json", {})).toMatch(/does not list/);
    const notFound = { error: { code: "not_found", message: "Project p2 was not found", details: {} } };
    expect(mismatch(getProject, 404, "application/json", notFound)).toBeNull();
    expect(mismatch(getProject, 404, "application/json", { message: "nope" })).toMatch(/error/);
  });
});
