/**
 * The one process-wide slot on globalThis. Next.js bundles route handlers apart from server.ts, so a module-level
 * value exists once per bundle; what must exist once per process (the runtime, the configuration, the logger, the
 * shared browser, the agents' host allowances, the guard proxy's secret) is kept here instead, each part made on
 * first use by the one module that owns it and names it.
 */
const slot = globalThis as unknown as { __fleetdeck?: Map<string, unknown> };

/** An accessor for the process's one `name`, made by `create` the first time any bundle asks for it. */
export function processWide<T>(name: string, create: () => T): () => T {
  return () => {
    slot.__fleetdeck ??= new Map();
    const parts = slot.__fleetdeck;
    if (!parts.has(name)) parts.set(name, create());
    // Only this accessor's owner stores under `name`, always with `create`'s type.
    return parts.get(name) as T;
  };
}
