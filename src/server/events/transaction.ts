import type { Actor } from "@/lib/contract/auth";
import type { EphemeralEventType, EventData, ExecutionEvent, RetainedEventType } from "@/lib/contract/events";
import type { Db, Tx } from "../db/client";
import { appendEvent, appendEvents, appendEventsAcross, type EventGroup, type NewEvent } from "../repos/events";
import type { CounterDelta, ExecutionRow } from "../repos/executions";
import type { EventBus } from "./bus";

export interface EventSink {
  /** Records a retained event in this transaction; it is published once the transaction commits. */
  emit<T extends RetainedEventType>(executionId: string, type: T, data: EventData<T>): Promise<ExecutionEvent<T>>;
  /**
   * Records several, in their order, and moves the execution's counters by `counters`, with two statements however
   * many (a batch of job ends and starts); answers the execution row as it left it.
   */
  emitAll(executionId: string, list: NewEvent[], counters?: CounterDelta): Promise<ExecutionRow>;
  /** `emitAll` for several executions, with two statements in all; answers their rows in the groups' order. */
  emitAcross(groups: EventGroup[]): Promise<ExecutionRow[]>;
}

/** What a transaction with events works with: the runtime, or any holder of its database and bus. */
export interface EventDeps {
  db: Db;
  bus: EventBus;
}

/**
 * Runs a state change and its retained events in one transaction, and publishes the events on
 * commit. The log is written before anyone is told, so a receiver can always catch up from it.
 */
export async function transactWithEvents<T>(
  { db, bus }: EventDeps,
  fn: (tx: Tx, events: EventSink) => Promise<T>,
): Promise<T> {
  const pending: ExecutionEvent[] = [];
  const result = await db.transaction(async (tx) => {
    const value = await fn(tx, {
      async emit(executionId, type, data) {
        const event = await appendEvent(tx, executionId, type, data);
        pending.push(event as ExecutionEvent);
        return event;
      },
      async emitAll(executionId, list, counters) {
        const appended = await appendEvents(tx, executionId, list, counters);
        pending.push(...appended.events);
        return appended.execution;
      },
      async emitAcross(groups) {
        const appended = await appendEventsAcross(tx, groups);
        pending.push(...appended.events);
        return appended.executions;
      },
    });
    // PostgreSQL delivers a NOTIFY sent inside the transaction on commit: no extra commit per event.
    if (bus.publishWithin) await bus.publishWithin(tx, pending);
    return value;
  });
  if (!bus.publishWithin) for (const event of pending) bus.publish(event);
  return result;
}

/** The events a person's control causes: each names them (CONTRACT.md v1.1, `data.actor`). */
const CONTROL_EVENTS: ReadonlySet<RetainedEventType> = new Set([
  "execution_started",
  "execution_paused",
  "execution_resumed",
  "execution_stopped",
  "concurrency_changed",
]);

/** A sink that adds `actor` to the control events emitted through it; the same sink when there is no actor. */
export function withActor(events: EventSink, actor: Actor | null): EventSink {
  if (!actor) return events;
  const withIt = <T extends RetainedEventType>(type: T, data: EventData<T>): EventData<T> =>
    CONTROL_EVENTS.has(type) ? { ...data, actor } : data;
  const stamped = (list: NewEvent[]) => list.map(({ type, data }) => ({ type, data: withIt(type, data) }) as NewEvent);
  return {
    emit: (executionId, type, data) => events.emit(executionId, type, withIt(type, data)),
    emitAll: (executionId, list, counters) => events.emitAll(executionId, stamped(list), counters),
    emitAcross: (groups) => events.emitAcross(groups.map((g) => ({ ...g, list: stamped(g.list) }))),
  };
}

/** Ephemeral events are not stored; the hub stamps them with the latest seq it has delivered. */
export function publishEphemeral<T extends EphemeralEventType>(
  bus: EventBus,
  executionId: string,
  type: T,
  data: EventData<T>,
) {
  const event = { type, executionId, seq: 0, data, timestamp: new Date().toISOString() } as ExecutionEvent<T>;
  bus.publish(event as ExecutionEvent);
}
