import { and, asc, eq, getTableColumns, gt, sql } from "drizzle-orm";
import type { EventData, ExecutionEvent, RetainedEventType } from "@/lib/contract/events";
import type { DbOrTx } from "../db/client";
import { executionEvents, executions } from "../db/schema";
import type { CounterDelta, ExecutionRow } from "./executions";

/** A retained event before it has a seq. */
export type NewEvent<T extends RetainedEventType = RetainedEventType> = { type: T; data: EventData<T> };

/** One execution's share of `appendEventsAcross`: its events, in order, and how its counters move with them. */
export interface EventGroup {
  executionId: string;
  list: NewEvent[];
  counters?: CounterDelta;
}

/**
 * Appends retained events with the execution's next seqs, in their order, and moves its counters by `counters`:
 * one update of the execution row and one insert, however many. The update takes the execution row's lock, so
 * seqs are gap-free and in commit order; call it inside the transaction that makes the change the events report.
 */
export async function appendEvents(
  tx: DbOrTx,
  executionId: string,
  list: NewEvent[],
  counters?: CounterDelta,
): Promise<{ execution: ExecutionRow; events: ExecutionEvent[] }> {
  const { executions: rows, events } = await appendEventsAcross(tx, [{ executionId, list, counters }]);
  return { execution: rows[0]!, events };
}

/** `appendEvents` for several executions: one update of all their rows and one insert of all their events. */
export async function appendEventsAcross(
  tx: DbOrTx,
  groups: EventGroup[],
): Promise<{ executions: ExecutionRow[]; events: ExecutionEvent[] }> {
  if (groups.length === 0) return { executions: [], events: [] };
  const moves = JSON.stringify(
    groups.map(({ executionId, list, counters: d = {} }) => ({
      id: executionId,
      events: list.length,
      running: d.running ?? 0,
      queued: d.queued ?? 0,
      completed: d.completed ?? 0,
      failed: d.failed ?? 0,
      cancelled: d.cancelled ?? 0,
      duration_ms: Math.round(d.durationMs ?? 0),
      cost_usd: d.spend?.costUsd ?? 0,
      input_tokens: Math.round(d.spend?.inputTokens ?? 0),
      output_tokens: Math.round(d.spend?.outputTokens ?? 0),
    })),
  );
  const rows = await tx
    .update(executions)
    .set({
      runningCount: sql`${executions.runningCount} + d.running`,
      queuedCount: sql`${executions.queuedCount} + d.queued`,
      completedCount: sql`${executions.completedCount} + d.completed`,
      failedCount: sql`${executions.failedCount} + d.failed`,
      cancelledCount: sql`${executions.cancelledCount} + d.cancelled`,
      totalDurationMs: sql`${executions.totalDurationMs} + d.duration_ms`,
      costUsd: sql`${executions.costUsd} + d.cost_usd`,
      inputTokens: sql`${executions.inputTokens} + d.input_tokens`,
      outputTokens: sql`${executions.outputTokens} + d.output_tokens`,
      lastEventSeq: sql`${executions.lastEventSeq} + d.events`,
      lastActivityAt: sql`now()`,
    })
    .from(
      sql`jsonb_to_recordset(${moves}::jsonb) as d(id uuid, events integer, running integer, queued integer,
        completed integer, failed integer, cancelled integer, duration_ms bigint, cost_usd double precision,
        input_tokens bigint, output_tokens bigint)`,
    )
    .where(sql`${executions.id} = d.id`)
    .returning(getTableColumns(executions));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const values = groups.flatMap(({ executionId, list }) => {
    const row = byId.get(executionId);
    if (!row) throw new Error(`appendEvents: execution ${executionId} does not exist`);
    const first = row.lastEventSeq - list.length + 1;
    return list.map(({ type, data }, i) => ({ executionId, seq: first + i, type, data }));
  });
  if (values.length === 0) return { executions: groups.map((g) => byId.get(g.executionId)!), events: [] };
  const stored = await tx.insert(executionEvents).values(values).returning({ createdAt: executionEvents.createdAt });
  // Every row of one insert has the transaction's now(); read it from any.
  const timestamp = stored[0]!.createdAt.toISOString();
  return {
    executions: groups.map((g) => byId.get(g.executionId)!),
    events: values.map(
      ({ executionId, seq, type, data }) => ({ type, executionId, seq, data, timestamp }) as ExecutionEvent,
    ),
  };
}

export async function appendEvent<T extends RetainedEventType>(
  tx: DbOrTx,
  executionId: string,
  type: T,
  data: EventData<T>,
): Promise<ExecutionEvent<T>> {
  const { events } = await appendEvents(tx, executionId, [{ type, data } as NewEvent]);
  return events[0] as ExecutionEvent<T>;
}

/** Retained events with seq > afterSeq, in order. */
export async function eventsAfter(
  db: DbOrTx,
  executionId: string,
  afterSeq: number,
  limit = 10_000,
): Promise<ExecutionEvent[]> {
  const rows = await db
    .select()
    .from(executionEvents)
    .where(and(eq(executionEvents.executionId, executionId), gt(executionEvents.seq, afterSeq)))
    .orderBy(asc(executionEvents.seq))
    .limit(limit);
  // The log holds only what appendEvent wrote, so its rows are events of their type.
  return rows.map(
    (r) =>
      ({
        type: r.type,
        executionId: r.executionId,
        seq: r.seq,
        data: r.data,
        timestamp: r.createdAt.toISOString(),
      }) as ExecutionEvent,
  );
}
