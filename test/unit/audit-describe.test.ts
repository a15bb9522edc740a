// The audit trail in words (src/features/audit/describe.ts), from entries shaped as the server records them;
// test/integration/audit-words.test.ts reads the words of a real trail.
import { describe, expect, it } from "vitest";
import { ACTION_LABELS, actorKind, describeEntry, describeTarget } from "@/features/audit/describe";
import { AUDIT_ACTIONS, type AuditEntry } from "@/lib/contract/auth";

function entry(overrides: Partial<AuditEntry>): AuditEntry {
  return {
    id: 1,
    at: "2026-01-01T14:02:00.000Z",
    projectId: "p1",
    executionId: "e1",
    actor: { type: "user", id: "u1", name: "Ana" },
    address: "10.0.0.7",
    action: "execution.pause",
    target: { type: "execution", id: "0123456789abcdef" },
    before: null,
    after: null,
    reason: null,
    ...overrides,
  };
}

const run = { status: "running", concurrency: 5, maxCost: null };

describe("audit entries in words", () => {
  it("says what a control did, with its reason and the values before and after", () => {
    expect(describeEntry(entry({ action: "execution.pause", before: run, after: { ...run, status: "paused" } }))).toBe(
      "paused",
    );
    expect(describeEntry(entry({ action: "execution.stop", reason: "wrong file" }))).toBe(
      "stopped (reason: wrong file)",
    );
    expect(describeEntry(entry({ action: "execution.stop" }))).toBe("stopped");
    expect(
      describeEntry(entry({ action: "execution.concurrency", before: run, after: { ...run, concurrency: 8 } })),
    ).toBe("changed concurrency 5 → 8");
    expect(
      describeEntry(
        entry({
          action: "execution.start",
          after: { mode: "test", sampleSize: 5, concurrency: 5, totalJobs: 5, maxCost: 2 },
        }),
      ),
    ).toBe("started a test run of 5 jobs at concurrency 5, spend cap $2.00");
    expect(describeEntry(entry({ action: "execution.export", after: { format: "csv" } }))).toBe(
      "exported the results as CSV",
    );
  });

  it("tells a plain resume from one that moved the spend cap", () => {
    const paused = { ...run, status: "paused", maxCost: 1 };
    expect(
      describeEntry(entry({ action: "execution.resume", before: paused, after: { ...paused, status: "running" } })),
    ).toBe("resumed");
    expect(
      describeEntry(
        entry({ action: "execution.resume", before: paused, after: { ...paused, status: "running", maxCost: 3 } }),
      ),
    ).toBe("resumed, spend cap $1.00 → $3.00");
    expect(
      describeEntry(
        entry({ action: "execution.resume", before: paused, after: { ...paused, status: "running", maxCost: null } }),
      ),
    ).toBe("resumed, lifting the spend cap");
  });

  it("names batches, projects, members, invites and tokens", () => {
    expect(
      describeEntry(entry({ action: "batch.create", after: { name: "Shop pages", rowCount: 120, engine: "browser" } })),
    ).toBe("created batch “Shop pages” (120 rows)");
    expect(describeEntry(entry({ action: "project.create", after: { name: "Acme" } }))).toBe("created project “Acme”");
    expect(describeEntry(entry({ action: "project.delete", before: { name: "Acme" } }))).toBe("deleted project “Acme”");
    expect(describeEntry(entry({ action: "member.invite", after: { email: "bo@example.com", role: "viewer" } }))).toBe(
      "invited bo@example.com as viewer",
    );
    expect(describeEntry(entry({ action: "member.add", after: { email: "bo@example.com", role: "operator" } }))).toBe(
      "added bo@example.com as operator",
    );
    expect(
      describeEntry(
        entry({
          action: "member.add",
          after: { email: "bo@example.com", role: "viewer", siteAdmin: false, invite: "i1" },
        }),
      ),
    ).toBe("joined as viewer");
    expect(
      describeEntry(
        entry({ action: "member.add", after: { email: "a@example.com", role: null, siteAdmin: true, invite: "i0" } }),
      ),
    ).toBe("joined as site admin");
    expect(
      describeEntry(
        entry({
          action: "member.role",
          before: { email: "bo@example.com", role: "viewer" },
          after: { email: "bo@example.com", role: "operator" },
        }),
      ),
    ).toBe("changed bo@example.com's role viewer → operator");
    expect(describeEntry(entry({ action: "member.remove", before: { email: "bo@example.com", role: "viewer" } }))).toBe(
      "removed bo@example.com (viewer)",
    );
    expect(
      describeEntry(
        entry({ action: "member.remove", target: { type: "invite", id: "i1" }, reason: "invite cancelled" }),
      ),
    ).toBe("cancelled an invite");
    expect(
      describeEntry(
        entry({ action: "token.create", after: { name: "ci", role: "operator", projectIds: null, prefix: "fdk_ab" } }),
      ),
    ).toBe("created API token “ci” (operator)");
    expect(describeEntry(entry({ action: "token.revoke", before: { name: "ci", role: "operator" } }))).toBe(
      "revoked API token “ci”",
    );
  });

  it("leaves out what an entry lacks instead of guessing", () => {
    expect(describeEntry(entry({ action: "execution.concurrency" }))).toBe("changed concurrency");
    expect(describeEntry(entry({ action: "batch.create" }))).toBe("created batch");
    expect(describeEntry(entry({ action: "member.invite" }))).toBe("invited someone");
  });

  it("has a label for every action the filter offers, and tags each kind of actor", () => {
    expect(Object.keys(ACTION_LABELS).sort()).toEqual([...AUDIT_ACTIONS].sort());
    expect(actorKind({ type: "user", id: "u1", name: "Ana" })).toBe("user");
    expect(actorKind({ type: "token", id: "t1", name: 'Ana (token "ci")' })).toBe("token");
    expect(actorKind({ type: "local", id: null, name: "Local user" })).toBe("local");
    expect(actorKind({ type: "system", id: "budget", name: "fleetdeck" })).toBe("fleetdeck");
    expect(describeTarget(entry({}))).toBe("execution 01234567");
  });
});
