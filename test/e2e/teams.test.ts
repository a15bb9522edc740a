// Teams in real Chromium (issue 12's "done when"): the first admin invites a viewer and an operator through the
// Members page; the viewer watches a run live and cannot steer it (greyed in the page, 403 from the API); the
// operator pauses it and the viewer's tab names them within a second; the audit page lists every step with actor
// and time; a revoked token stops working at once, on HTTP and on the WebSocket.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { launchBrowser } from "../helpers/browser";
import { expectAccessible } from "../helpers/e2e";
import { type RunningServer, startServer } from "../helpers/server";

let server: RunningServer;
let browser: Browser;
let base: string;

beforeAll(async () => {
  server = await startServer({ AUTH: "on" });
  // One host name throughout, so the session cookies a page gets are the ones it sends.
  base = server.url.replace("127.0.0.1", "localhost");
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.kill();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

/** A same-origin JSON call from inside the page, with its session cookie (as the app's own scripts make them). */
function inPage<T = { status: number; body: Record<string, unknown> }>(
  page: Page,
  path: string,
  init?: { method?: string; json?: unknown },
) {
  return page.evaluate(
    async ({ path, init }) => {
      const res = await fetch(path, {
        method: init?.method ?? (init?.json === undefined ? "GET" : "POST"),
        headers: init?.json === undefined ? {} : { "content-type": "application/json" },
        body: init?.json === undefined ? undefined : JSON.stringify(init.json),
      });
      return { status: res.status, body: await res.json().catch(() => ({})) };
    },
    { path, init },
  ) as Promise<T>;
}

async function createAccount(page: Page, link: string, person: { name: string; email?: string }) {
  await page.goto(link.replace(/^http:\/\/[^/]+/, base));
  if (person.email) await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Name").fill(person.name);
  await page.getByLabel("Password").fill(`${person.name} has a long password`);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/invite/"));
}

async function invite(admin: Page, projectId: string, email: string, role: "viewer" | "operator") {
  await admin.goto(`${base}/projects/${projectId}/members`);
  await admin.getByLabel("Email", { exact: true }).fill(email);
  await admin.getByLabel("Role", { exact: true }).selectOption(role);
  await admin.getByRole("button", { name: "Add member" }).click();
  const link = await admin.getByLabel("Invite link").inputValue();
  // The link names the address the admin reached fleetdeck at (not Next's guess of a host and port).
  expect(link.startsWith(`${base}/invite/`), link).toBe(true);
  await admin.getByRole("button", { name: "Done" }).click();
  return link;
}

describe("teams", () => {
  it("lets an admin invite a viewer and an operator, and holds each to their role, live", async () => {
    // Signed out, every page sends the person to sign in.
    const admin = await newPage();
    await admin.goto(`${base}/`);
    expect(new URL(admin.url()).pathname).toBe("/login");

    const firstAdmin = /Create the first admin[^:]*: (\S+)/.exec(server.output())?.[1];
    expect(firstAdmin, server.output()).toBeDefined();
    await createAccount(admin, firstAdmin!, { name: "Ana", email: "ana@example.com" });

    const { body: created } = await inPage(admin, "/api/projects", { json: { name: "Team run" } });
    const projectId = (created.project as { id: string }).id;
    const csv = ["url", ...Array.from({ length: 12 }, (_, i) => `https://site${i}.example.com/`)].join("\n");
    const { body: batchBody } = await inPage(admin, `/api/projects/${projectId}/batches`, {
      json: { csv, agent: { engine: "simulated", simulate: { durationMs: 20_000, failRate: 0 } } },
    });
    const batchId = (batchBody.batch as { id: string }).id;

    const viewerLink = await invite(admin, projectId, "vic@example.com", "viewer");
    const operatorLink = await invite(admin, projectId, "otto@example.com", "operator");
    const viewer = await newPage();
    await createAccount(viewer, viewerLink, { name: "Vic" });
    const operator = await newPage();
    await createAccount(operator, operatorLink, { name: "Otto" });

    const { status, body: started } = await inPage(operator, `/api/batches/${batchId}/executions`, {
      json: { mode: "production", concurrency: 2 },
    });
    expect(status).toBe(201);
    const executionId = (started.execution as { id: string }).id;
    const live = `${base}/projects/${projectId}/batches/${batchId}/executions/${executionId}/live`;

    // The viewer watches live; the controls are greyed with the reason, and the API refuses too.
    await viewer.goto(live);
    await viewer.waitForFunction(
      () => document.querySelector("[data-connection]")?.getAttribute("data-connection") === "live",
    );
    const controls = viewer.getByRole("group", { name: "Execution controls" });
    await expect.poll(() => controls.getByRole("button", { name: "Pause" }).isDisabled()).toBe(true);
    expect(await controls.getByRole("button", { name: "Stop" }).isDisabled()).toBe(true);
    expect(await viewer.getByText("Viewers can't steer runs").first().isVisible()).toBe(true);
    const refused = await inPage(viewer, `/api/executions/${executionId}/pause`, { method: "POST" });
    expect(refused.status).toBe(403);
    expect((refused.body.error as { code: string }).code).toBe("forbidden");
    await expectAccessible(viewer, "live view as a viewer");

    // The operator pauses it from their own live view; the viewer's tab names them within a second.
    await operator.goto(live);
    await operator.waitForFunction(
      () => document.querySelector("[data-connection]")?.getAttribute("data-connection") === "live",
    );
    const pausedAt = Date.now();
    await operator.getByRole("group", { name: "Execution controls" }).getByRole("button", { name: "Pause" }).click();
    await viewer
      .getByTestId("execution-byline")
      .filter({ hasText: /Paused by Otto · \d{1,2}:\d{2}/ })
      .waitFor({ timeout: 5_000 });
    expect(Date.now() - pausedAt).toBeLessThan(1_000 + 500); // a second, plus the click's own round trip

    // The audit page lists every step, with who and when.
    await admin.goto(`${base}/projects/${projectId}/audit`);
    const rows = admin.getByTestId("audit-row");
    await expect.poll(async () => (await rows.count()) >= 7).toBe(true);
    const actions = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-action")));
    for (const action of [
      "project.create",
      "batch.create",
      "member.invite",
      "member.add",
      "execution.start",
      "execution.pause",
    ])
      expect(actions, action).toContain(action);
    const pauseText = await admin
      .locator('[data-testid="audit-row"][data-action="execution.pause"]')
      .first()
      .textContent();
    expect(pauseText).toContain("Otto");
    expect(pauseText).toMatch(/\d{1,2}:\d{2}/);
    await expectAccessible(admin, "audit page");
  });

  it("stops a revoked token at once, on HTTP and on the WebSocket", async () => {
    const admin = await newPage();
    await admin.goto(`${base}/login`);
    await admin.getByLabel("Email").fill("ana@example.com");
    await admin.getByLabel("Password").fill("Ana has a long password");
    await admin.getByRole("button", { name: "Sign in" }).click();
    await admin.waitForURL((url) => url.pathname !== "/login");

    await admin.goto(`${base}/account`);
    await admin.getByLabel("Token name").fill("ci");
    await admin.getByRole("button", { name: "Create token" }).click();
    const secret = await admin.getByLabel("New token").inputValue();
    expect(secret).toMatch(/^fdk_/);

    const headers = { authorization: `Bearer ${secret}` };
    const projects = (await (await fetch(`${server.url}/api/projects`, { headers })).json()) as {
      projects: { id: string }[];
    };
    const batches = (await (
      await fetch(`${server.url}/api/projects/${projects.projects[0]!.id}/batches`, { headers })
    ).json()) as { batches: { id: string }[] };
    const executions = (await (
      await fetch(`${server.url}/api/batches/${batches.batches[0]!.id}/executions`, { headers })
    ).json()) as { executions: { id: string }[] };
    const executionId = executions.executions[0]!.id;

    const socket = new WebSocket(`${server.url.replace("http", "ws")}/api/ws/executions`);
    const messages: { type: string; error?: { code: string } }[] = [];
    socket.on("message", (data) => messages.push(JSON.parse(String(data))));
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ type: "subscribe", executionId, token: secret }));
    await expect.poll(() => messages.some((m) => m.type === "subscribed")).toBe(true);

    await admin.getByRole("button", { name: "Done" }).click();
    await admin.getByRole("button", { name: "Revoke ci" }).click();
    const revokedAt = Date.now();
    await admin.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();

    expect(await closed).toBe(4401);
    expect(Date.now() - revokedAt).toBeLessThan(2_000);
    expect(messages.at(-1)).toMatchObject({ type: "error", error: { code: "unauthenticated" } });
    expect((await fetch(`${server.url}/api/projects`, { headers })).status).toBe(401);
  });
});
