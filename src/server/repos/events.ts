import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { EventData, ExecutionEvent, RetainedEventType } from "@/lib/contract/events";
import type { DbOrTx } from "../db/client";
import { executionEvents, executions } from "../db/schema";

/**
 * Appends a retained event with the execution's next seq. The update takes the execution row's
 * lock, so seqs are gap-free and in commit order; call it inside the transaction that makes the
 * change the event reports.
 */
export async function appendEvent<T extends RetainedEventType>(
  tx: DbOrTx,
  executionId: string,
  type: T,
  data: EventData<T>,
): Promise<ExecutionEvent<T>> {
  const [row] = await tx
    .update(executions)
    .set({ lastEventSeq: sql`${executions.lastEventSeq} + 1`, lastActivityAt: sql`now()` })
    .where(eq(executions.id, executionId))
    .returning({ seq: executions.lastEventSeq });
  if (!row) throw new Error(`appendEvent: execution ${executionId} does not exist`);
  const [stored] = await tx
    .insert(executionEvents)
    .values({ executionId, seq: row.seq, type, data })
    .returning({ createdAt: executionEvents.createdAt });
  return { type, executionId, seq: row.seq, data, timestamp: stored!.createdAt.toISOString() } as ExecutionEvent<T>;
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
