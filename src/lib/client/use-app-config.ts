"use client";

import { useEffect, useState } from "react";
import { getAppConfig } from "@/lib/client/endpoints";
import type { AppConfigResponse } from "@/lib/contract/responses";

/** Until the server has said: the contract's default maximum. */
export const FALLBACK_MAX_CONCURRENCY = 10;

// A server's configuration does not change while it runs: one request serves every form of the page session.
let shared: Promise<AppConfigResponse> | null = null;

function loadOnce(): Promise<AppConfigResponse> {
  shared ??= getAppConfig().catch((error: unknown) => {
    shared = null; // a failed load is asked again by the next form that needs it
    throw error;
  });
  return shared;
}

/** GET /api/config for forms that must not offer what the server would refuse; null while loading (or unreachable). */
export function useAppConfig(): AppConfigResponse | null {
  const [config, setConfig] = useState<AppConfigResponse | null>(null);
  useEffect(() => {
    let cancelled = false;
    loadOnce().then(
      (loaded) => !cancelled && setConfig(loaded),
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return config;
}
