"use client";

import { useEffect, useRef } from "react";
import type { ExecutionStatus } from "@/lib/contract/resources";

/**
 * Shows a browser notification when the execution finishes while this tab is hidden, if the user has already
 * granted permission (it is asked once, when they execute). Only a finish seen live counts: opening a page of
 * an execution that finished long ago notifies nobody.
 */
export function useCompletionNotification(
  status: ExecutionStatus | undefined,
  title: string,
  body: string,
  href: string,
) {
  const previous = useRef<ExecutionStatus | undefined>(undefined);
  useEffect(() => {
    const before = previous.current;
    previous.current = status;
    if (!before || !status || before === status) return;
    const finishedNow =
      (status === "completed" || status === "stopped") && before !== "completed" && before !== "stopped";
    if (!finishedNow) return;
    if (typeof document === "undefined" || !document.hidden) return;
    if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
    try {
      const n = new Notification(title, { body, tag: href });
      n.onclick = () => {
        window.focus();
        n.close();
      };
    } catch {
      // Some browsers only allow notifications from a service worker; the completion card is still shown.
    }
  }, [status, title, body, href]);
}
