/**
 * Transitional: live-stats-panel.tsx (being reshaped by the lead) still imports its duration from here. The
 * formatters live in src/lib/format.ts; delete this file once that import points there.
 */
export { formatDurationCompact as formatDuration } from "@/lib/format";
