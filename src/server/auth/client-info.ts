import type { Access } from "./guard";
import type { ClientInfo } from "./sessions";

/** Where a sign-in comes from: the address the front door saw, and the browser's own description. */
export function clientInfo(request: Request, access: Pick<Access, "address">): ClientInfo {
  return { address: access.address, userAgent: request.headers.get("user-agent") };
}
