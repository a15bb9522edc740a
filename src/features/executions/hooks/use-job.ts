"use client";

import { useEffect, useState } from "react";
import { ApiError } from "@/lib/client/api";
import { getJob } from "@/lib/client/endpoints";
import type { JobResponse } from "@/lib/contract/responses";

/** One job, its step log and (a goal-driven agent's) transcript; refreshed every 2 s while queued or running. */
export function useJob(jobId: string) {
  const [data, setData] = useState<JobResponse | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = async () => {
      try {
        const result = await getJob(jobId);
        if (cancelled) return;
        setData(result);
        setError(null);
        if (result.job.status === "queued" || result.job.status === "running") timer = setTimeout(load, 2000);
      } catch (e) {
        if (cancelled) return;
        const err = e instanceof ApiError ? e : new ApiError(0, "internal", "Could not load the job.");
        setError(err);
        if (err.status === 0 || err.status >= 500) timer = setTimeout(load, 3000);
      }
    };
    void load();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [jobId]);

  return {
    job: data?.job ?? null,
    steps: data?.steps ?? [],
    transcript: data?.transcript ?? [],
    goalAsRun: data?.goalAsRun ?? null,
    error,
    loading: !data && !error,
  };
}
