import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorKind, describeEntry } from "@/features/audit/describe";
import { auditTrail } from "@/server/auth/audit";
import { addMember, cancelInvite } from "@/server/auth/members";
import { adjustConcurrency, pause, resume, stop } from "@/server/executions/service";
import { insertUser } from "@/server/repos/accounts";
import { insertFixture } from "../helpers/fixtures";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";

/**
 * The audit pages' sentences (src/features/audit/describe.ts) read from a trail the server really wrote: a change to
 * what the server records shows here as a sentence that no longer says what happened.
 */
describe.each(DATABASES)("the audit trail in words on %s", (kind) => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime(kind);
  });
  afterAll(async () => {
    await t.stop();
  });

  it("says each control, member and invite change as the audit page shows it", async () => {
    const { project, execution } = await insertFixture(t.runtime.db, { rows: 3, execution: { concurrency: 5 } });
    const id = execution!.id;
    const user = await insertUser(t.runtime.db, { email: "ana@example.com", name: "Ana" });
    const ana = { actor: { type: "user" as const, id: user.id, name: user.name }, address: "10.0.0.7" };
    const local = { actor: null, address: "127.0.0.1" };
    await pause(id, ana);
    await resume(id, {}, local);
    await adjustConcurrency(id, 8, ana);
    await stop(id, "wrong file", ana);
    const added = await addMember(project.id, "bo@example.com", "viewer", ana, "http://localhost:3000");
    await cancelInvite(project.id, added.invite!.id, ana);

    const { entries } = await auditTrail(t.runtime.db, { projectId: project.id }, 50);
    const lines = entries
      .reverse()
      .map(
        (e) => `${e.actor.name} [${actorKind(e.actor)}] ${describeEntry(e)}${e.address ? ` from ${e.address}` : ""}`,
      );
    expect(lines).toEqual([
      "Ana [user] paused from 10.0.0.7",
      "Local user [local] resumed from 127.0.0.1",
      "Ana [user] changed concurrency 5 → 8 from 10.0.0.7",
      "Ana [user] stopped (reason: wrong file) from 10.0.0.7",
      "Ana [user] invited bo@example.com as viewer from 10.0.0.7",
      "Ana [user] cancelled an invite from 10.0.0.7",
    ]);
  });
});
