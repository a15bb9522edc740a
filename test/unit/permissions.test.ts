// The pages' role rule (src/lib/client/permissions.ts) against the routes' own rules: a page that greys what the
// server allows, or offers what it refuses, fails here.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canManage, canSteer, RUN_DENIED, STEER_DENIED, steerRefusal, UPLOAD_DENIED } from "@/lib/client/permissions";
import { PROJECT_ROLES, type ProjectRole, roleAtLeast } from "@/lib/contract/auth";

/** The role a route's handler demands, read from its `guarded({ on, need })` rule. */
function roleNeeded(route: string, method: "GET" | "POST"): ProjectRole {
  const file = path.resolve(import.meta.dirname, "../../src/app/api", route, "route.ts");
  const found = new RegExp(`export const ${method} = guarded\\(\\{ on: "\\w+", need: "(\\w+)" \\}`).exec(
    readFileSync(file, "utf8"),
  );
  if (!found) throw new Error(`no guarded ${method} rule in ${route}`);
  return found[1] as ProjectRole;
}

const STEERING = [
  ["executions/[id]/pause", "POST"],
  ["executions/[id]/resume", "POST"],
  ["executions/[id]/stop", "POST"],
  ["executions/[id]/adjust-concurrency", "POST"],
  ["batches/[id]/executions", "POST"],
  ["projects/[id]/batches", "POST"],
] as const;

const MANAGING = [
  ["projects/[id]/members", "GET"],
  ["projects/[id]/members", "POST"],
  ["projects/[id]/audit", "GET"],
] as const;

describe("permissions", () => {
  it("lets operators and admins steer, and only admins manage", () => {
    expect(PROJECT_ROLES.map(canSteer)).toEqual([false, true, true]);
    expect(PROJECT_ROLES.map(canManage)).toEqual([false, false, true]);
    expect(canSteer(null)).toBe(false);
    expect(canManage(undefined)).toBe(false);
  });

  it("says why only to a viewer, and not while the role is unknown", () => {
    expect(steerRefusal("viewer")).toBe("Viewers can't steer runs");
    expect(steerRefusal("viewer", UPLOAD_DENIED)).toBe("Viewers can't upload batches");
    expect(steerRefusal("viewer", RUN_DENIED)).toBe("Viewers can't start runs");
    expect(steerRefusal("operator")).toBeNull();
    expect(steerRefusal("admin", UPLOAD_DENIED)).toBeNull();
    expect(steerRefusal(undefined)).toBeNull();
    expect(STEER_DENIED).toBe("Viewers can't steer runs");
  });

  it("matches the role each steering and managing route demands", () => {
    for (const [route, method] of STEERING) {
      const need = roleNeeded(route, method);
      for (const role of PROJECT_ROLES)
        expect(canSteer(role), `${role} on ${method} ${route}`).toBe(roleAtLeast(role, need));
    }
    for (const [route, method] of MANAGING) {
      const need = roleNeeded(route, method);
      for (const role of PROJECT_ROLES)
        expect(canManage(role), `${role} on ${method} ${route}`).toBe(roleAtLeast(role, need));
    }
  });
});
