import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { EventData, ExecutionEvent, RetainedEventType } from "@/lib/contract/events";
import type { DbOrTx } from "../db/client";
import { executionEvents, executions } from "../db/schema";
import { type CounterDelta, counterChanges, type ExecutionRow } from "./executions";

/** A retained event before it has a seq. */
export type NewEvent<T extends RetainedEventType = RetainedEventType> = { type: T; data: EventData<T> };

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
  const [execution] = await tx
    .update(executions)
    .set({
      ...(counters ? counterChanges(counters) : {}),
      lastEventSeq: sql`${executions.lastEventSeq} + ${list.length}`,
      lastActivityAt: sql`now()`,
    })
    .where(eq(executions.id, executionId))
    .returning();
  if (!execution) throw new Error(`appendEvents: execution ${executionId} does not exist`);
  if (list.length === 0) return { execution, events: [] };
  const first = execution.lastEventSeq - list.length + 1;
  const stored = await tx
    .insert(executionEvents)
    .values(list.map(({ type, data }, i) => ({ executionId, seq: first + i, type, data })))
    .returning({ createdAt: executionEvents.createdAt });
  // Every row of one insert has the transaction's now(); read it from any.
  const timestamp = stored[0]!.createdAt.toISOString();
  const events = list.map(
    ({ type, data }, i) => ({ type, executionId, seq: first + i, data, timestamp }) as ExecutionEvent,
  );
  return { execution, events };
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
