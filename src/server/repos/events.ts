import { and, asc, eq, getTableColumns, gt, sql } from "drizzle-orm";
import type { EventData, ExecutionEvent, RetainedEventType } from "@/lib/contract/events";
import type { DbOrTx } from "../db/client";
import { executionEvents, executions } from "../db/schema";
import type { CounterDelta, ExecutionRow } from "./executions";

/** A retained event before it has a seq. */
export type NewEvent<T extends RetainedEventType = RetainedEventType> = { type: T; data: EventData<T> };

/** One execution's share of `reserveSeqs`: its events, in order, and how its counters move with them. */
export interface EventGroup {
  executionId: string;
  list: NewEvent[];
  counters?: CounterDelta;
}

/**
 * Gives retained events of several executions their next seqs, in their order, and moves each execution's counters
 * with them: one update of all their rows, which takes their locks, so seqs are gap-free and in commit order.
 * Answers the rows as they leave them and the events, which `storeEvents` writes before the transaction commits.
 */
export async function reserveSeqs(
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
    // now() is the transaction's: the created_at every event of it gets.
    .returning({ ...getTableColumns(executions), nowMs: sql<number>`(extract(epoch from now()) * 1000)::float8` });
  const byId = new Map(rows.map(({ nowMs, ...row }) => [row.id, { row, timestamp: new Date(Number(nowMs)) }]));
  const events = groups.flatMap(({ executionId, list }) => {
    const written = byId.get(executionId);
    if (!written) throw new Error(`reserveSeqs: execution ${executionId} does not exist`);
    const first = written.row.lastEventSeq - list.length + 1;
    const timestamp = written.timestamp.toISOString();
    return list.map(({ type, data }, i) => ({ type, executionId, seq: first + i, data, timestamp }) as ExecutionEvent);
  });
  return { executions: groups.map((g) => byId.get(g.executionId)!.row), events };
}

/**
 * Writes events `reserveSeqs` numbered, in one statement, which also sends `notify` (NOTIFYs the database delivers
 * when the transaction commits, in order, and never if it rolls back).
 */
export async function storeEvents(
  tx: DbOrTx,
  events: ExecutionEvent[],
  notify?: { channel: string; payloads: string[] },
): Promise<void> {
  if (events.length === 0) return;
  const rows = JSON.stringify(
    events.map((e) => ({ execution_id: e.executionId, seq: e.seq, type: e.type, data: e.data })),
  );
  const payloads = JSON.stringify(notify?.payloads ?? []);
  await tx.execute(sql`
    with stored as (
      insert into ${executionEvents} (execution_id, seq, type, data)
      select e.execution_id, e.seq, e.type, e.data
      from jsonb_to_recordset(${rows}::jsonb) as e(execution_id uuid, seq integer, type text, data jsonb)
      returning 1
    )
    select (select count(*) from stored) as stored,
      (select count(pg_notify(${notify?.channel ?? ""}, n.p))
        from (select p from jsonb_array_elements_text(${payloads}::jsonb) with ordinality as t(p, i) order by i) as n
      ) as notified`);
}

/** Appends one retained event at once (reserveSeqs and storeEvents), without a notification. */
export async function appendEvent<T extends RetainedEventType>(
  tx: DbOrTx,
  executionId: string,
  type: T,
  data: EventData<T>,
): Promise<ExecutionEvent<T>> {
  const { events } = await reserveSeqs(tx, [{ executionId, list: [{ type, data } as NewEvent] }]);
  await storeEvents(tx, events);
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
