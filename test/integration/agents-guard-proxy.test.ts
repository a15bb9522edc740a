import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type GuardProxy, startGuardProxy } from "@/server/agents/guard-proxy";
import { allowHost, clearAllowedHosts, createNetworkGuard } from "@/server/agents/network-guard";
import { type FixtureSite, startFixtureSite } from "../fixtures/site";

let site: FixtureSite;
let proxy: GuardProxy;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  site = await startFixtureSite();
  allowHost(site.host);
  proxy = await startGuardProxy(createNetworkGuard({ allowedHosts: [] }));
});

afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  clearAllowedHosts();
  await proxy.close();
  await site.close();
});

afterEach(() => {
  expect(unhandled).toEqual([]);
});

/** Sends raw bytes to the proxy and returns what it answered, or "(no answer)" if it neither answers nor closes. */
async function raw(request: string): Promise<string> {
  const port = Number(new URL(proxy.server).port);
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(request));
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(data || "(no answer)");
    }, 5_000);
    socket.on("data", (d) => {
      data += d.toString("latin1");
      // CONNECT answers and closed answers both end the exchange for these tests.
      if (
        /\r\n\r\n/.test(data) &&
        /^HTTP\/1\.1 (200 Connection|4\d\d|5\d\d)/.test(data) &&
        !/content-length: [1-9]/i.test(data)
      ) {
        clearTimeout(timer);
        socket.destroy();
        resolve(data);
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(data || "(closed without an answer)");
    });
  });
}

const basic = (user: string, password: string) =>
  `Proxy-Authorization: Basic ${Buffer.from(`${user}:${password}`).toString("base64")}\r\n`;
const good = () => basic(proxy.username, proxy.password);
const status = (answer: string) => answer.split("\r\n")[0];

describe("guard proxy", () => {
  it("answers 407 to a request or tunnel without this process's credentials", async () => {
    const get = `GET ${site.origin}/item/1 HTTP/1.1\r\nHost: ${site.host}\r\n`;
    const before = site.requests.length;
    for (const auth of [
      "",
      basic(proxy.username, "wrong"),
      basic("someone", proxy.password),
      "Proxy-Authorization: Bearer x\r\n",
    ]) {
      const plain = await raw(`${get}${auth}\r\n`);
      expect(status(plain)).toBe("HTTP/1.1 407 Proxy Authentication Required");
      expect(plain).toMatch(/proxy-authenticate: Basic/i);
      const tunnel = await raw(`CONNECT ${site.host} HTTP/1.1\r\nHost: ${site.host}\r\n${auth}\r\n`);
      expect(status(tunnel)).toBe("HTTP/1.1 407 Proxy Authentication Required");
    }
    expect(site.requests.length).toBe(before);
  });

  it("serves the browser that presents the credentials", async () => {
    const answer = await raw(
      `GET ${site.origin}/bare HTTP/1.1\r\nHost: ${site.host}\r\n${good()}Connection: close\r\n\r\n`,
    );
    expect(status(answer)).toBe("HTTP/1.1 200 OK");
    expect(answer).toContain("Nothing else here");
    const tunnel = await raw(`CONNECT ${site.host} HTTP/1.1\r\nHost: ${site.host}\r\n${good()}\r\n`);
    expect(status(tunnel)).toBe("HTTP/1.1 200 Connection Established");
  });

  it("answers a malformed request instead of hanging, with no unhandled rejection", async () => {
    // An https URL in a plain proxy request made http.request throw inside the async handler.
    expect(status(await raw(`GET https://${site.host}/item/1 HTTP/1.1\r\nHost: ${site.host}\r\n${good()}\r\n`))).toBe(
      "HTTP/1.1 400 Bad Request",
    );
    expect(status(await raw(`GET /item/1 HTTP/1.1\r\nHost: ${site.host}\r\n${good()}\r\n`))).toBe(
      "HTTP/1.1 400 Bad Request",
    );
    expect(status(await raw(`GET ftp://${site.host}/ HTTP/1.1\r\nHost: ${site.host}\r\n${good()}\r\n`))).toBe(
      "HTTP/1.1 400 Bad Request",
    );
    await new Promise((r) => setTimeout(r, 50));
  });

  it("answers 403 to a refused address and 502 to a server that cannot be reached", async () => {
    expect(status(await raw(`GET http://10.0.0.1/ HTTP/1.1\r\nHost: 10.0.0.1\r\n${good()}\r\n`))).toBe(
      "HTTP/1.1 403 Forbidden",
    );
    expect(proxy.refusalFor("http://10.0.0.1/")).toMatchObject({ kind: "refused_address" });
    expect(status(await raw(`CONNECT 10.0.0.1:443 HTTP/1.1\r\nHost: 10.0.0.1:443\r\n${good()}\r\n`))).toBe(
      "HTTP/1.1 403 Forbidden",
    );
    // A port on the allowed host where nothing listens.
    const closed = await freePort();
    allowHost(`127.0.0.1:${closed}`);
    expect(
      status(await raw(`GET http://127.0.0.1:${closed}/ HTTP/1.1\r\nHost: 127.0.0.1:${closed}\r\n${good()}\r\n`)),
    ).toBe("HTTP/1.1 502 Bad Gateway");
    expect(
      status(await raw(`CONNECT 127.0.0.1:${closed} HTTP/1.1\r\nHost: 127.0.0.1:${closed}\r\n${good()}\r\n`)),
    ).toBe("HTTP/1.1 502 Bad Gateway");
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
