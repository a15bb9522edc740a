import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as projectRoute from "@/app/api/projects/[id]/route";
import * as projectsRoute from "@/app/api/projects/route";
import { call } from "../helpers/http";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";

describe.each(DATABASES)("projects API on %s", (kind) => {
  let t: TestRuntime;
  beforeEach(async () => {
    t = await startTestRuntime(kind);
  });
  afterEach(() => t.stop());

  it("creates, lists and reads projects", async () => {
    const created = await call(projectsRoute.POST, { json: { name: "  Market research  " } });
    expect(created.status).toBe(201);
    expect(created.body.project.name).toBe("Market research");
    const list = await call(projectsRoute.GET);
    expect(list.body.projects.map((p: { id: string }) => p.id)).toEqual([created.body.project.id]);
    const one = await call(projectRoute.GET, { params: { id: created.body.project.id } });
    expect(one.body.project).toEqual(created.body.project);
  });

  it("rejects bad input in the contract's error shape and creates nothing", async () => {
    const cases = [
      { body: "{not json", headers: { "content-type": "application/json" }, code: "invalid_json" },
      { json: {}, code: "validation_failed", field: "name" },
      { json: { name: "" }, code: "validation_failed", field: "name" },
      { json: { name: 42 }, code: "validation_failed", field: "name" },
      { json: [1], code: "invalid_json" },
      { json: { name: "x".repeat(2 * 1024 * 1024) }, code: "payload_too_large" },
      {
        body: "name=x",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        code: "unsupported_media_type",
      },
    ];
    for (const c of cases) {
      const res = await call(projectsRoute.POST, { method: "POST", ...c });
      expect(res.status, JSON.stringify(c)).toBeGreaterThanOrEqual(400);
      expect(res.body.error.code).toBe(c.code);
      if (c.field) expect(res.body.error.message).toContain(c.field);
    }
    expect((await call(projectsRoute.GET)).body.projects).toEqual([]);
  });

  it("answers 404 not_found for unknown or malformed ids", async () => {
    for (const id of ["00000000-0000-0000-0000-000000000000", "nope"]) {
      const res = await call(projectRoute.GET, { params: { id } });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: "not_found" });
    }
  });
});
