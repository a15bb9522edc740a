"use client";

import { useEffect } from "react";
import { listWorkers } from "@/lib/client/endpoints";
import { useApiResource } from "@/lib/client/use-api-resource";

/** How often the Workers page asks again: a few beats (WORKER_HEARTBEAT_MS is 1 s by default). */
export const WORKERS_REFRESH_MS = 3_000;

/** The worker registry, asked again every few seconds while the page is open (the last answer stays on screen). */
export function useWorkers() {
  const resource = useApiResource("workers", listWorkers);
  const { reload } = resource;
  useEffect(() => {
    const timer = setInterval(() => void reload(), WORKERS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return resource;
}
