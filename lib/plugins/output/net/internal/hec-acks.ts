/**
 * Indexer acknowledgement for one HEC server: a channel, the ackIds waiting on it, and one poll
 * loop that asks for all of them at once (`POST /services/collector/ack {"acks":[…]}`).
 *
 * The subtle part is a server restart. splunkd keeps channels and ackIds in memory, so after a
 * restart it hands out ackId 0, 1, … again on the same channel; a client still waiting for its old
 * ackId 3 would then take the *new* ackId 3's "true" for its own and count lost events as indexed.
 * Two guards prevent that:
 *  - after a connection-level failure (refused, reset) the channel is abandoned: every waiter is
 *    failed with a RetryableError (its batch is sent again) and a fresh channel is used from then on;
 *  - if the server ever hands out an ackId already seen on this channel, it has forgotten the
 *    channel, and the same happens.
 * Both can cause a batch to be sent twice when the server did index it, never a loss: with acks
 * the promise is at-least-once, and exactly-once whenever the server stays up.
 */
import { randomUUID } from 'node:crypto';
import { PermanentError, RetryableError, type PluginLogger } from '../../../api';

export interface AckOptions {
  /** Names output, stanza and server, for messages. */
  readonly who: string;
  readonly pollMs: number;
  readonly timeoutMs: number;
  /** Asks the server about `ids` on `channel`; resolves to the `acks` map of its reply. */
  readonly query: (channel: string, ids: number[]) => Promise<Record<string, boolean>>;
  /** True for errors that mean the server went away (its channels are gone with it). */
  readonly isConnectionLoss: (e: unknown) => boolean;
  readonly log: PluginLogger;
}

interface Waiter {
  readonly deadline: number;
  resolve(): void;
  reject(e: Error): void;
}

// ackIds more than this far below the highest one seen are forgotten; responses are never that
// far out of order, since at most outputWorkers requests are in flight.
const SEEN_WINDOW = 4096;

export class AckChannel {
  #channel = randomUUID();
  #pending = new Map<number, Waiter>();
  #seen = new Set<number>();
  #maxSeen = -1;
  #floor = -1;
  #loop: Promise<void> | undefined;
  #closed = false;
  /** Set while an ack query is in flight; a reset asked for meanwhile waits for its answer. */
  #querying = false;
  #resetReason: string | undefined;

  constructor(private readonly o: AckOptions) {}

  /** The channel to send in X-Splunk-Request-Channel. */
  get channel(): string {
    return this.#channel;
  }

  /** Resolves when `ackId`, returned for a request sent on `channel`, is acknowledged. */
  wait(channel: string, ackId: number): Promise<void> {
    if (this.#closed) return Promise.reject(new RetryableError(`${this.o.who}: output closed while waiting for ackId ${ackId}`));
    // The request went out on a channel abandoned while it was in flight: nobody polls that one.
    if (channel !== this.#channel) return Promise.reject(new RetryableError(`${this.o.who}: ackId ${ackId} belongs to an abandoned channel; re-sending`));
    if (ackId <= this.#floor || this.#seen.has(ackId)) {
      this.reset(`the server handed out ackId ${ackId} a second time on channel ${channel}, so it has restarted and forgotten the channel`);
      return Promise.reject(new RetryableError(`${this.o.who}: ackId ${ackId} is ambiguous after a server restart; re-sending`));
    }
    this.#remember(ackId);
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(ackId, { deadline: Date.now() + this.o.timeoutMs, resolve, reject });
      this.#loop ??= this.#poll().finally(() => (this.#loop = undefined));
    });
  }

  /**
   * Abandons the channel: every waiter's batch will be sent again, on a new channel. While an ack
   * query is in flight the reset waits for its answer: the server may have said "true" for some
   * ids just before it went away, and those batches must not be sent twice.
   */
  reset(reason: string): void {
    if (this.#querying) {
      this.#resetReason ??= reason;
      return;
    }
    const old = this.#channel;
    this.#channel = randomUUID();
    this.#seen.clear();
    this.#maxSeen = -1;
    this.#floor = -1;
    if (this.#pending.size > 0) this.o.log.warn(`${this.o.who}: abandoning ack channel ${old} with ${this.#pending.size} unacknowledged request(s): ${reason}; they will be sent again`);
    this.#failAll(new RetryableError(`${this.o.who}: acknowledgement lost (${reason}); re-sending`));
  }

  /** Fails all waiters; the poll loop ends by itself. */
  close(): void {
    this.#closed = true;
    this.#failAll(new RetryableError(`${this.o.who}: output closed before the acknowledgement came`));
  }

  #failAll(e: Error): void {
    const waiters = [...this.#pending.values()];
    this.#pending.clear();
    for (const w of waiters) w.reject(e);
  }

  #remember(id: number): void {
    this.#seen.add(id);
    if (id > this.#maxSeen) this.#maxSeen = id;
    if (this.#seen.size > 2 * SEEN_WINDOW) {
      this.#floor = this.#maxSeen - SEEN_WINDOW;
      for (const s of this.#seen) if (s <= this.#floor) this.#seen.delete(s);
    }
  }

  async #poll(): Promise<void> {
    while (this.#pending.size > 0) {
      await sleep(this.o.pollMs);
      this.#expire();
      if (this.#pending.size === 0) break;
      const channel = this.#channel;
      const ids = [...this.#pending.keys()];
      let acks: Record<string, boolean> | undefined;
      let error: unknown;
      this.#querying = true;
      try {
        acks = await this.o.query(channel, ids);
      } catch (e) {
        error = e;
      }
      this.#querying = false;
      if (acks && channel === this.#channel) {
        for (const id of ids) {
          if (acks[String(id)] !== true) continue;
          const w = this.#pending.get(id);
          this.#pending.delete(id);
          w?.resolve();
        }
      }
      if (error instanceof PermanentError) this.#failAll(error);
      else if (error !== undefined && this.o.isConnectionLoss(error)) this.#resetReason ??= `the ack query failed: ${(error as Error).message}`;
      else if (error !== undefined) this.o.log.debug(`${this.o.who}: ack query failed, will ask again: ${(error as Error).message}`);
      const reason = this.#resetReason;
      this.#resetReason = undefined;
      if (reason !== undefined) this.reset(reason);
    }
  }

  #expire(): void {
    const now = Date.now();
    for (const [id, w] of this.#pending) {
      if (w.deadline > now) continue;
      this.#pending.delete(id);
      w.reject(new RetryableError(`${this.o.who}: no acknowledgement for ackId ${id} within ${this.o.timeoutMs / 1000}s; re-sending`));
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
