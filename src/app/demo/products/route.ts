import { demoResponse } from "@/server/demo/pages";

// The bundled demo shop (see src/server/demo/pages.ts): rendered per request, never cached.
export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return demoResponse(new URL(request.url), { signal: request.signal });
}
