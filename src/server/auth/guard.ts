import type { Actor, ProjectRole } from "@/lib/contract/auth";
import { roleAtLeast } from "@/lib/contract/auth";
import { authOn, type Env } from "../env";
import { AppError, notFound } from "../errors";
import { route } from "../http/respond";
import { getRuntime } from "../runtime";
import { projectOf, type ResourceKind, roleOn } from "./access";
import { actorOf, type Caller, callerOf, credentialOf, LOCAL_CALLER, SIGN_IN_PLEASE } from "./caller";
import { contextOf } from "./request-context";

/**
 * Who may call a route, declared where the route is (`guarded(rule, handler)`); test/integration/auth-routes.test.ts
 * holds every route's rule and checks each against every role.
 *
 * - `public`: anyone (health, sign-in, invite links, the demo site).
 * - `signedIn`: any signed-in caller; `session: true` refuses API tokens (managing tokens needs the person).
 * - `{ on, need }`: the caller's role on the project of the `[id]` in the path must be at least `need`. A caller
 *   with no role there gets 404, as if the resource did not exist (CONTRACT.md: an id the caller may not see).
 */
export type AccessRule =
  | { public: true }
  | { signedIn: true; session?: boolean; unscoped?: boolean }
  | { on: ResourceKind; need: ProjectRole };

/** What a guarded handler knows about its caller. */
export interface Access {
  caller: Caller;
  /** How events and the audit trail name the caller; null in local mode. */
  actor: Actor | null;
  address: string | null;
  /** For `{ on, need }` rules: the resource's project and the caller's role there. */
  projectId: string;
  role: ProjectRole;
}

type Params = Record<string, string | string[]>;
type Context = { params: Promise<Params> };

export function guarded<C extends Context>(
  rule: AccessRule,
  handler: (request: Request, context: C, access: Access) => Promise<Response>,
) {
  return route(async (request: Request, context: C) =>
    handler(request, context, await authorize(request, context, rule)),
  );
}

export async function authorize(request: Request, context: Context, rule: AccessRule): Promise<Access> {
  const held = contextOf(request.headers);
  const address = held?.address ?? null;
  const caller = await callerFor(request, held?.caller);
  const open: Access = { caller: caller ?? LOCAL_CALLER, actor: null, address, projectId: "", role: "viewer" };
  if ("public" in rule) return caller ? { ...open, actor: actorOf(caller) } : open;
  if (!caller) throw unauthenticated();
  const actor = actorOf(caller);
  if ("signedIn" in rule) {
    if (rule.session && caller.kind === "token")
      throw new AppError("forbidden", 403, "Sign in to do this: API tokens cannot manage credentials");
    if (rule.unscoped && caller.kind === "token" && caller.token.projectIds)
      throw new AppError("forbidden", 403, "This API token is limited to some projects and cannot do this");
    return { ...open, caller, actor };
  }
  const id = String((await context.params).id ?? "");
  const { db } = getRuntime();
  const projectId = await projectOf(db, rule.on, id);
  const role = projectId === undefined ? null : await roleOn(db, caller, projectId);
  if (projectId === undefined || role === null) throw notFound(RESOURCE_NAMES[rule.on], id);
  if (!roleAtLeast(role, rule.need)) throw forbiddenFor(role, rule.need);
  return { caller, actor, address, projectId, role };
}

/** The front door resolved the caller already; a request that did not pass it (a test's direct call) resolves it here. */
async function callerFor(request: Request, held: Caller | undefined): Promise<Caller | null> {
  if (!authOn(getRuntime().env)) return LOCAL_CALLER;
  if (held) return held;
  return callerOf(
    getRuntime().db,
    credentialOf({ authorization: request.headers.get("authorization"), cookie: request.headers.get("cookie") }),
  );
}

const RESOURCE_NAMES: Record<ResourceKind, string> = {
  project: "Project",
  batch: "Batch",
  execution: "Execution",
  job: "Job",
};

/** For the routes that mean nothing without accounts (sign-in, members, tokens): 409 in local mode. */
export function refuseWithoutAccounts(env: Env): void {
  if (!authOn(env))
    throw new AppError("invalid_state", 409, "Accounts are off (local mode): start fleetdeck with AUTH=on to use them");
}

export function unauthenticated(): AppError {
  return new AppError("unauthenticated", 401, SIGN_IN_PLEASE);
}

function forbiddenFor(role: ProjectRole, need: ProjectRole): AppError {
  const why =
    role === "viewer" && need === "operator"
      ? "Viewers can't steer runs or upload batches"
      : `This needs the ${need} role on the project; you are ${role === "admin" ? "an" : "a"} ${role}`;
  return new AppError("forbidden", 403, why, { role, need });
}
