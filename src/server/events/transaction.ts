import type { Actor } from "@/lib/contract/auth";
import type { EphemeralEventType, EventData, ExecutionEvent, RetainedEventType } from "@/lib/contract/events";
import type { Db, Tx } from "../db/client";
import { type EventGroup, type NewEvent, reserveSeqs, storeEvents } from "../repos/events";
import type { CounterDelta, ExecutionRow } from "../repos/executions";
import type { EventBus } from "./bus";

export interface EventSink {
  /**
   * Records a retained event in this transaction (its seq and counters now, its row with the others before the
   * commit); it is published once the transaction commits.
   */
  emit<T extends RetainedEventType>(executionId: string, type: T, data: EventData<T>): Promise<ExecutionEvent<T>>;
  /**
   * Records several, in their order, and moves the execution's counters by `counters`, with one statement however
   * many (a batch of job ends and starts); answers the execution row as it left it.
   */
  emitAll(executionId: string, list: NewEvent[], counters?: CounterDelta): Promise<ExecutionRow>;
  /** `emitAll` for several executions, with one statement in all; answers their rows in the groups' order. */
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
    const reserve = async (groups: EventGroup[]) => {
      const reserved = await reserveSeqs(tx, groups);
      pending.push(...reserved.events);
      return reserved;
    };
    const value = await fn(tx, {
      async emit(executionId, type, data) {
        const { events } = await reserve([{ executionId, list: [{ type, data } as NewEvent] }]);
        return events[0] as ExecutionEvent<typeof type>;
      },
      async emitAll(executionId, list, counters) {
        return (await reserve([{ executionId, list, counters }])).executions[0]!;
      },
      async emitAcross(groups) {
        return (await reserve(groups)).executions;
      },
    });
    // Every event of the transaction in one insert; PostgreSQL delivers a NOTIFY sent inside the transaction on
    // commit, so announcing them costs no statement or commit of its own.
    await storeEvents(tx, pending, bus.notificationsOf?.(pending));
    return value;
  });
  if (!bus.notificationsOf) for (const event of pending) bus.publish(event);
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
