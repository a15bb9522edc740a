"use client";

import { useCallback, useState } from "react";
import type { ApiError } from "@/lib/client/api";
import { listConfigVersions, previewRow, saveConfigVersion } from "@/lib/client/endpoints";
import { toApiError } from "@/lib/client/errors";
import { useApiResource } from "@/lib/client/use-api-resource";
import type { AgentConfig } from "@/lib/contract/agent";
import type { Preview, SavedConfig } from "@/lib/contract/configs";

export function useConfigVersions(batchId: string) {
  return useApiResource(`config-versions:${batchId}`, () => listConfigVersions(batchId).then((r) => r.versions));
}

/** "Try on row N": one preview at a time from this form, its answer or the API's words on why not. */
export function usePreview(batchId: string) {
  const [state, setState] = useState<{ running: boolean; preview: Preview | null; error: ApiError | null }>({
    running: false,
    preview: null,
    error: null,
  });
  const run = useCallback(
    async (rowIndex: number, agent: AgentConfig | null): Promise<Preview | null> => {
      setState((s) => ({ ...s, running: true, error: null }));
      try {
        const { preview } = await previewRow(batchId, agent ? { rowIndex, agent } : { rowIndex });
        setState({ running: false, preview, error: null });
        return preview;
      } catch (e) {
        setState((s) => ({ ...s, running: false, error: toApiError(e) }));
        return null;
      }
    },
    [batchId],
  );
  return { ...state, run };
}

/** Saving the form as the next version. */
export function useSaveConfig(batchId: string) {
  const [state, setState] = useState<{ saving: boolean; saved: SavedConfig | null; error: ApiError | null }>({
    saving: false,
    saved: null,
    error: null,
  });
  const save = useCallback(
    async (agent: AgentConfig): Promise<SavedConfig | null> => {
      setState((s) => ({ ...s, saving: true, error: null }));
      try {
        const saved = await saveConfigVersion(batchId, { agent });
        setState({ saving: false, saved, error: null });
        return saved;
      } catch (e) {
        setState((s) => ({ ...s, saving: false, error: toApiError(e) }));
        return null;
      }
    },
    [batchId],
  );
  return { ...state, save };
}
