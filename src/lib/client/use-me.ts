"use client";

import { useEffect, useState } from "react";
import type { Me } from "@/lib/contract/auth";
import type { ApiError } from "./api";
import { getMe } from "./endpoints";
import { toApiError } from "./errors";

// Who is signed in changes only by signing in or out, and both load a new page: one request serves every
// component of a page's life (the header's menu and the page itself).
let shared: Promise<Me> | null = null;

function loadOnce(): Promise<Me> {
  shared ??= getMe().catch((error: unknown) => {
    shared = null; // a failed load is asked again by the next component that needs it
    throw error;
  });
  return shared;
}

export interface MeState {
  /** null until the server has answered. */
  me: Me | null;
  error: ApiError | null;
}

/** GET /api/auth/me: the mode (local or accounts), the signed-in person, and whether single sign-on is on. */
export function useMe(): MeState {
  const [state, setState] = useState<MeState>({ me: null, error: null });
  useEffect(() => {
    let cancelled = false;
    loadOnce().then(
      (me) => !cancelled && setState({ me, error: null }),
      (e: unknown) => !cancelled && setState({ me: null, error: toApiError(e) }),
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return state;
}
