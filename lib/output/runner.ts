/**
 * The output runner: the one component between generation and every output plugin. A plugin
 * only sends a batch; the runner owns the rest:
 *
 * - a bounded queue: submit() resolves only when fewer than `maxPending` jobs wait, so a slow
 *   or stuck output holds the scheduler back (and its lag is reported) instead of filling memory;
 * - delivery in submission order, so --seed output is byte-identical whatever the worker count.
 *   With `outputWorkers` > 1 and a plugin that declares `concurrentSends`, up to that many
 *   batches are in flight at once (they start in order; they may finish out of order);
 * - batching: a job's events are cut in batches of `batchSize` (workers usually cut them already);
 * - retries with exponential backoff and jitter for RetryableError (honouring retryAfterMs) and
 *   for unknown errors (a few attempts: likely plugin bugs); none for PermanentError;
 * - taking an output out of service after `maxConsecutiveFailures` failed batches in a row, or at
 *   once on a fatal PermanentError: later submits throw OutputFailedError and the samples using
 *   the output stop with that message;
 * - metrics (events, bytes, batches, retries, errors, dropped = undeliverable + lost) and queue
 *   gauges, and an orderly drain → flush → close at shutdown.
 */
import type { EventRecord, Output, OutputBatch, OutputPlugin, PluginLogger } from '../plugins/api';
import { PermanentError, RetryableError } from '../plugins/api';
import { describeOrigin, originOf } from '../plugins/registry';

/** What a generation job hands to an output: events, or their encoding split in output batches. */
export interface JobResult {
  readonly count: number;
  readonly events?: readonly EventRecord[];
  /**
   * One entry per output batch, when the plugin encodes (possibly on a worker thread). Worker
   * threads hand back UTF-8 bytes (transferred, not copied); the main thread produces strings.
   */
  readonly encoded?: readonly (string | Uint8Array)[];
  readonly counts?: readonly number[];
  /**
   * Called once the output is done with every batch of this result (sent, or given up on), so
   * the memory behind `encoded` can be reused. After it, the batches must not be touched.
   */
  readonly release?: () => void;
}

export interface OutputMetrics {
  /** Events and bytes the output accepted. */
  events: number;
  bytes: number;
  batches: number;
  retries: number;
  /** Failed send() calls, retried or not. */
  errors: number;
  /** Events that could not be delivered (permanent failure, output taken out, still failing at shutdown). */
  undeliverable: number;
  /** Events lost before reaching the output (a generation job that failed). */
  lost: number;
  /** undeliverable + lost: every planned event that did not reach the output. */
  dropped: number;
  /** Jobs waiting in the queue now, and the most there ever were (memory is bounded by this). */
  queued: number;
  maxQueued: number;
  /** Batches being sent right now (at most outputWorkers). */
  inFlight: number;
}

export interface RunnerOptions {
  readonly batchSize: number;
  /** Jobs that may wait in the queue before submit() blocks. Default 4. */
  readonly maxPending?: number;
  /** Batches in flight at once, for plugins with `concurrentSends`; others always use 1. Default 1. */
  readonly outputWorkers?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Attempts for errors that are neither Retryable nor Permanent (likely plugin bugs). Default 3. */
  readonly maxUnknownAttempts?: number;
  /** Failed batches in a row after which the output is taken out of service. Default 3. */
  readonly maxConsecutiveFailures?: number;
  /** Settings passed to plugin.encode() for events that reach the runner unencoded (replay). */
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly log: PluginLogger;
  readonly sleep?: (ms: number) => Promise<void>;
}

export class OutputFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputFailedError';
  }
}

interface Pending {
  readonly result: Promise<JobResult>;
  readonly sampleId: string;
  readonly onLost?: (count: number, err: Error) => void;
}

type Batch = OutputBatch & { readonly bytes: number };

/**
 * How the runner reads a thrown value. App plugins cannot import our classes, so the error's
 * name (or a `permanent`/`retryable` flag) counts as much as instanceof.
 */
export function classifyError(e: unknown): { kind: 'permanent' | 'retryable' | 'unknown'; fatal: boolean; retryAfterMs?: number; message: string } {
  const o = (e && typeof e === 'object' ? e : {}) as { name?: unknown; permanent?: unknown; retryable?: unknown; fatal?: unknown; retryAfterMs?: unknown; message?: unknown };
  const message = typeof o.message === 'string' && o.message ? o.message : typeof e === 'string' ? e : `${typeof e} thrown: ${safeJson(e)}`;
  const retryAfterMs = typeof o.retryAfterMs === 'number' && o.retryAfterMs >= 0 ? o.retryAfterMs : undefined;
  if (e instanceof PermanentError || o.name === 'PermanentError' || o.permanent === true) return { kind: 'permanent', fatal: o.fatal === true, message };
  if (e instanceof RetryableError || o.name === 'RetryableError' || o.retryable === true) return { kind: 'retryable', fatal: false, retryAfterMs, message };
  return { kind: 'unknown', fatal: false, message };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export class OutputRunner {
  readonly metrics: OutputMetrics = { events: 0, bytes: 0, batches: 0, retries: 0, errors: 0, undeliverable: 0, lost: 0, dropped: 0, queued: 0, maxQueued: 0, inFlight: 0 };
  #queue: Pending[] = [];
  #pumping?: Promise<void>;
  #waiters: Array<() => void> = [];
  readonly #sending = new Set<Promise<void>>();
  /** Read before every retry: a shutdown signal may move it at any time. */
  #deadline: () => number = () => Infinity;
  #failed?: Error;
  #consecutiveFailures = 0;
  readonly #concurrency: number;
  readonly #opts: Required<Omit<RunnerOptions, 'log' | 'sleep' | 'settings'>> & Pick<RunnerOptions, 'log' | 'sleep' | 'settings'>;

  constructor(
    readonly key: string,
    readonly plugin: OutputPlugin,
    readonly output: Output,
    opts: RunnerOptions,
  ) {
    this.#opts = { maxPending: 4, outputWorkers: 1, initialBackoffMs: 100, maxBackoffMs: 30000, maxUnknownAttempts: 3, maxConsecutiveFailures: 3, ...opts };
    this.#concurrency = plugin.concurrentSends === true ? Math.max(1, Math.floor(this.#opts.outputWorkers)) : 1;
  }

  get failed(): Error | undefined {
    return this.#failed;
  }

  /** Jobs queued and not yet fully handed to the output. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Batches in flight at once for this output (1 unless the plugin allows more). */
  get concurrency(): number {
    return this.#concurrency;
  }

  /**
   * Queues a job's events. Resolves once the queue has room (backpressure); the events are
   * written later, in submission order. Throws OutputFailedError when the output gave up —
   * the job is then still accounted for (as undeliverable, or lost if it failed).
   */
  async submit(result: Promise<JobResult> | JobResult, sampleId: string, onLost?: Pending['onLost']): Promise<void> {
    const p = Promise.resolve(result);
    if (this.#failed) {
      // Never leave a job's promise unowned: a rejection nobody awaits would end the process.
      p.then(
        (r) => {
          this.#count('undeliverable', r.count);
          r.release?.();
        },
        (e) => this.#jobFailed(e, onLost),
      );
      throw this.#failedError();
    }
    p.catch(() => undefined); // handled in order by the pump
    this.#queue.push({ result: p, sampleId, onLost });
    this.#gauge();
    this.#pumping ??= this.#pump();
    while (this.#queue.length > this.#opts.maxPending && !this.#failed) {
      await new Promise<void>((r) => this.#waiters.push(r));
    }
    if (this.#failed) throw this.#failedError();
  }

  /** Waits until everything queued so far is delivered or given up on. */
  async drain(): Promise<void> {
    while (this.#pumping || this.#sending.size) {
      if (this.#pumping) await this.#pumping;
      if (this.#sending.size) await Promise.all([...this.#sending]);
    }
  }

  /**
   * When retrying must stop (epoch ms, or a function read before each retry). Set at any time:
   * the CLI moves it to "now" on a second Ctrl-C, the modular input on SIGTERM.
   */
  setDeadline(deadline: number | (() => number)): void {
    this.#deadline = typeof deadline === 'function' ? deadline : () => deadline;
  }

  /**
   * Drains, flushes and closes the output. Retries stop at `deadline` (epoch ms); whatever
   * is still undelivered then is counted as undeliverable.
   */
  #sleepUnlessDeadline(ms: number): Promise<void> {
    return sleepSteps(ms, this.#deadline);
  }

  async close(deadline: number | (() => number) = Infinity): Promise<OutputMetrics> {
    this.setDeadline(deadline);
    await this.drain();
    try {
      await this.output.flush?.();
    } catch (e) {
      this.#opts.log.error({ output: this.key, err: classifyError(e).message }, 'Output flush failed.');
    }
    try {
      await this.output.close?.();
    } catch (e) {
      this.#opts.log.error({ output: this.key, err: classifyError(e).message }, 'Output close failed.');
    }
    return this.metrics;
  }

  /** `output "flaky" from app acme (/…/flaky.js)`, or `output "stdout"` for built-ins. */
  get label(): string {
    const o = originOf(this.plugin);
    return o && o.app !== 'builtin' ? `output "${this.plugin.name}" from ${describeOrigin(o)}` : `output "${this.plugin.name}"`;
  }

  #failedError(): OutputFailedError {
    return new OutputFailedError(`${this.label} stopped: ${this.#failed?.message}`);
  }

  #count(what: 'undeliverable' | 'lost', n: number): void {
    this.metrics[what] += n;
    this.metrics.dropped += n;
  }

  #jobFailed(e: unknown, onLost?: Pending['onLost']): void {
    // A failed job's events never existed; count them as lost so the summary says so.
    const count = (e as { count?: number }).count ?? 0;
    this.#count('lost', count);
    onLost?.(count, e instanceof Error ? e : new Error(classifyError(e).message));
  }

  #gauge(): void {
    this.metrics.queued = this.#queue.length;
    if (this.#queue.length > this.metrics.maxQueued) this.metrics.maxQueued = this.#queue.length;
    this.metrics.inFlight = this.#sending.size;
  }

  async #pump(): Promise<void> {
    try {
      while (this.#queue.length) {
        const item = this.#queue[0];
        let result: JobResult | undefined;
        try {
          result = await item.result;
        } catch (e) {
          this.#jobFailed(e, item.onLost);
        }
        if (result) await this.#deliver(result, item.sampleId);
        this.#queue.shift();
        this.#gauge();
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
    const started: Array<Promise<void>> = [];
    for (const batch of this.#batches(result)) {
      if (this.#failed) {
        this.#count('undeliverable', batch.count);
        continue;
      }
      if (this.#concurrency === 1) {
        await this.#sendWithRetry(batch, sampleId);
        continue;
      }
      // Concurrent sends: start in order, keep at most `concurrency` in flight.
      while (this.#sending.size >= this.#concurrency) await Promise.race(this.#sending);
      const p: Promise<void> = this.#sendWithRetry(batch, sampleId).finally(() => {
        this.#sending.delete(p);
        this.#gauge();
      });
      this.#sending.add(p);
      started.push(p);
      this.#gauge();
    }
    const release = result.release;
    if (!release) return;
    if (started.length === 0) release();
    else void Promise.allSettled(started).then(release);
  }

  *#batches(r: JobResult): Generator<Batch> {
    if (r.encoded) {
      for (let i = 0; i < r.encoded.length; i++) {
        const encoded = r.encoded[i];
        const bytes = typeof encoded === 'string' ? Buffer.byteLength(encoded) : encoded.byteLength;
        // Outputs receive `encoded` as the plugin's encode() returned it, or as its UTF-8 bytes.
        yield { count: r.counts?.[i] ?? r.count, encoded: encoded as string, bytes };
      }
      return;
    }
    const events = r.events ?? [];
    const size = Math.max(1, this.#opts.batchSize);
    for (let i = 0; i < events.length; i += size) {
      const slice = events.slice(i, i + size);
      if (this.plugin.encode) {
        const encoded = this.plugin.encode(slice, this.#opts.settings ?? {});
        yield { count: slice.length, encoded, bytes: Buffer.byteLength(encoded) };
      } else {
        let bytes = 0;
        for (const e of slice) bytes += Buffer.byteLength(e.raw);
        yield { count: slice.length, events: slice, bytes };
      }
    }
  }

  async #sendWithRetry(batch: Batch, sampleId: string): Promise<void> {
    let attempt = 0;
    let backoff = this.#opts.initialBackoffMs;
    for (;;) {
      if (this.#failed) {
        // Taken out of service while this batch was waiting for a retry.
        this.#count('undeliverable', batch.count);
        return;
      }
      try {
        await this.output.send(batch);
        this.metrics.events += batch.count;
        this.metrics.bytes += batch.bytes;
        this.metrics.batches++;
        this.#consecutiveFailures = 0;
        return;
      } catch (e) {
        const err = classifyError(e);
        this.metrics.errors++;
        attempt++;
        const permanent = err.kind === 'permanent';
        const unknownExhausted = err.kind === 'unknown' && attempt >= this.#opts.maxUnknownAttempts;
        const wait = Math.min(this.#opts.maxBackoffMs, err.retryAfterMs ?? backoff) * (0.75 + Math.random() * 0.5);
        const pastDeadline = Date.now() + wait > this.#deadline();
        if (permanent || unknownExhausted || pastDeadline) {
          this.#count('undeliverable', batch.count);
          this.#consecutiveFailures++;
          const outOfService = err.fatal || this.#consecutiveFailures >= this.#opts.maxConsecutiveFailures;
          this.#opts.log.error(
            { output: this.key, sample: sampleId, events: batch.count, attempts: attempt, err: err.message },
            permanent
              ? 'Output rejected a batch permanently; its events are undeliverable.'
              : pastDeadline
                ? 'Output still failing at shutdown; the batch is undeliverable.'
                : `Output failed ${attempt} times on a batch; its events are undeliverable.`,
          );
          if (outOfService && !this.#failed) {
            const why = err.fatal ? err.message : `${this.#consecutiveFailures} batches failed in a row; last error: ${err.message}`;
            this.#failed = new Error(why);
            this.#opts.log.error({ output: this.key, err: why }, `The ${this.label} is out of service; the samples that use it stop.`);
            this.#wake();
          }
          return;
        }
        this.metrics.retries++;
        this.#opts.log.warn({ output: this.key, sample: sampleId, attempt, retryInMs: Math.round(wait), err: err.message }, 'Output failed; retrying.');
        if (this.#opts.sleep) await this.#opts.sleep(wait);
        else await this.#sleepUnlessDeadline(wait);
        backoff = Math.min(this.#opts.maxBackoffMs, backoff * 2);
      }
    }
  }
}

// Backoff sleeps are cut short when the deadline moves before them (a second signal).
async function sleepSteps(ms: number, deadline: () => number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && Date.now() < deadline()) await delay(Math.min(250, until - Date.now()));
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
