/**
 * The output runner: the one component between generation and every output plugin. It owns
 * the bounded queue (backpressure reaches the scheduler through submit()), keeps batches in
 * submission order (so --seed output is byte-identical whatever the worker count), retries
 * with exponential backoff, tells permanent from retryable failures, counts what was
 * delivered, retried and lost, and flushes in order at shutdown. A plugin only sends a batch.
 */
import type { EventRecord, Output, OutputBatch, OutputPlugin, PluginLogger } from '../plugins/api';
import { PermanentError, RetryableError } from '../plugins/api';

/** What a generation job hands to an output: events, or their encoding split in output batches. */
export interface JobResult {
  readonly count: number;
  readonly events?: readonly EventRecord[];
  /** One entry per output batch, when the plugin encodes (possibly on a worker thread). */
  readonly encoded?: readonly string[];
  readonly counts?: readonly number[];
}

export interface OutputMetrics {
  events: number;
  bytes: number;
  batches: number;
  retries: number;
  errors: number;
  /** Events that could not be delivered (permanent failure, or still failing at shutdown). */
  undeliverable: number;
  /** Events lost before reaching the output (a generator job that failed). */
  lost: number;
}

export interface RunnerOptions {
  readonly batchSize: number;
  /** Jobs that may wait in the queue before submit() blocks. */
  readonly maxPending?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Attempts for errors that are neither Retryable nor Permanent (likely plugin bugs). */
  readonly maxUnknownAttempts?: number;
  readonly log: PluginLogger;
  readonly sleep?: (ms: number) => Promise<void>;
}

export class OutputFailedError extends Error {}

interface Pending {
  readonly result: Promise<JobResult>;
  readonly sampleId: string;
  readonly onLost?: (count: number, err: Error) => void;
}

export class OutputRunner {
  readonly metrics: OutputMetrics = { events: 0, bytes: 0, batches: 0, retries: 0, errors: 0, undeliverable: 0, lost: 0 };
  #queue: Pending[] = [];
  #pumping?: Promise<void>;
  #waiters: Array<() => void> = [];
  #closing = false;
  #deadline = Infinity;
  #failed?: Error;
  #consecutiveFailures = 0;
  readonly #opts: Required<Omit<RunnerOptions, 'log' | 'sleep'>> & Pick<RunnerOptions, 'log' | 'sleep'>;

  constructor(
    readonly key: string,
    readonly plugin: OutputPlugin,
    readonly output: Output,
    opts: RunnerOptions,
  ) {
    this.#opts = { maxPending: 4, initialBackoffMs: 100, maxBackoffMs: 30000, maxUnknownAttempts: 3, ...opts };
  }

  get failed(): Error | undefined {
    return this.#failed;
  }

  get pending(): number {
    return this.#queue.length;
  }

  /**
   * Queues a job's events. Resolves once the queue has room (backpressure); the events are
   * written later, in submission order. Throws OutputFailedError when the output gave up.
   */
  async submit(result: Promise<JobResult> | JobResult, sampleId: string, onLost?: Pending['onLost']): Promise<void> {
    if (this.#failed) throw new OutputFailedError(`output ${this.key} has failed: ${this.#failed.message}`);
    const p = Promise.resolve(result);
    p.catch(() => undefined); // handled in order by the pump
    this.#queue.push({ result: p, sampleId, onLost });
    this.#pumping ??= this.#pump();
    while (this.#queue.length > this.#opts.maxPending && !this.#failed) {
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }

  /** Waits until everything queued so far is delivered or given up on. */
  async drain(): Promise<void> {
    while (this.#pumping) await this.#pumping;
  }

  /**
   * Drains, flushes and closes the output. Retries stop at `deadline` (epoch ms); whatever
   * is still undelivered then is counted as undeliverable.
   */
  async close(deadline = Infinity): Promise<OutputMetrics> {
    this.#closing = true;
    this.#deadline = deadline;
    await this.drain();
    try {
      await this.output.flush?.();
    } catch (e) {
      this.#opts.log.error({ output: this.key, err: (e as Error).message }, 'Output flush failed.');
    }
    try {
      await this.output.close?.();
    } catch (e) {
      this.#opts.log.error({ output: this.key, err: (e as Error).message }, 'Output close failed.');
    }
    return this.metrics;
  }

  async #pump(): Promise<void> {
    try {
      while (this.#queue.length) {
        const item = this.#queue[0];
        let result: JobResult | undefined;
        try {
          result = await item.result;
        } catch (e) {
          // A failed job's events never existed; count them as lost so the summary says so.
          const count = (e as { count?: number }).count ?? 0;
          this.metrics.lost += count;
          item.onLost?.(count, e as Error);
        }
        if (result) await this.#deliver(result, item.sampleId);
        this.#queue.shift();
        this.#wake();
      }
    } finally {
      this.#pumping = undefined;
      this.#wake();
    }
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const r of w) r();
  }

  async #deliver(result: JobResult, sampleId: string): Promise<void> {
    for (const batch of this.#batches(result)) {
      if (this.#failed) {
        this.metrics.undeliverable += batch.count;
        continue;
      }
      await this.#sendWithRetry(batch, sampleId);
    }
  }

  *#batches(r: JobResult): Generator<OutputBatch & { bytes: number }> {
    if (r.encoded) {
      for (let i = 0; i < r.encoded.length; i++) {
        const encoded = r.encoded[i];
        yield { count: r.counts?.[i] ?? r.count, encoded, bytes: Buffer.byteLength(encoded) };
      }
      return;
    }
    const events = r.events ?? [];
    const size = Math.max(1, this.#opts.batchSize);
    for (let i = 0; i < events.length; i += size) {
      const slice = events.slice(i, i + size);
      if (this.plugin.encode) {
        const encoded = this.plugin.encode(slice, {});
        yield { count: slice.length, encoded, bytes: Buffer.byteLength(encoded) };
      } else {
        let bytes = 0;
        for (const e of slice) bytes += Buffer.byteLength(e.raw);
        yield { count: slice.length, events: slice, bytes };
      }
    }
  }

  async #sendWithRetry(batch: OutputBatch & { bytes: number }, sampleId: string): Promise<void> {
    let attempt = 0;
    let backoff = this.#opts.initialBackoffMs;
    for (;;) {
      try {
        await this.output.send(batch);
        this.metrics.events += batch.count;
        this.metrics.bytes += batch.bytes;
        this.metrics.batches++;
        this.#consecutiveFailures = 0;
        return;
      } catch (e) {
        const err = e as Error;
        this.metrics.errors++;
        attempt++;
        const permanent = err instanceof PermanentError;
        const unknownExhausted = !(err instanceof RetryableError) && attempt >= this.#opts.maxUnknownAttempts;
        const wait = Math.min(this.#opts.maxBackoffMs, (err as RetryableError).retryAfterMs ?? backoff) * (0.75 + Math.random() * 0.5);
        const pastDeadline = this.#closing && Date.now() + wait > this.#deadline;
        if (permanent || unknownExhausted || pastDeadline) {
          this.metrics.undeliverable += batch.count;
          this.#consecutiveFailures++;
          this.#opts.log.error(
            { output: this.key, sample: sampleId, events: batch.count, err: err.message },
            permanent ? 'Output rejected a batch permanently; its events are undeliverable.' : pastDeadline ? 'Output still failing at shutdown; the batch is undeliverable.' : 'Output failed repeatedly on a batch; its events are undeliverable.',
          );
          // A plugin that fails batch after batch is taken out, so its samples stop instead of spinning.
          if (this.#consecutiveFailures >= 3) this.#failed ??= err;
          return;
        }
        this.metrics.retries++;
        this.#opts.log.warn({ output: this.key, sample: sampleId, attempt, retryInMs: Math.round(wait), err: err.message }, 'Output failed; retrying.');
        await (this.#opts.sleep ?? delay)(wait);
        backoff = Math.min(this.#opts.maxBackoffMs, backoff * 2);
      }
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
