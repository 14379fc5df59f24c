/**
 * Executors run generation jobs. The in-process executor runs them on the main thread; the
 * worker-pool executor (executor-pool.ts) runs queueable generators on piscina threads. Both
 * go through runGeneratorJob(), so a job gives the same bytes wherever it runs: its random
 * stream is seeded from (run seed, sample, job number), never from the thread.
 */
import type { EventRecord, GenerationJob, Generator, GeneratorPlugin, OutputPlugin, PluginLogger, SampleSpec } from '../plugins/api';
import { describeOrigin, type PluginOrigin, type PluginRegistry } from '../plugins/registry';
import type { JobResult, OutputRunner } from '../output/runner';
import { Random } from '../util/random';
import { encodeLines } from '../plugins/output/stdout';
import { isLineRenderer, RENDER_LINES } from '../plugins/generator/default';

export interface Executor {
  /** Creates the sample's generator (validating it) and returns the main-thread instance. */
  prepare(sample: SampleSpec, plugin: GeneratorPlugin, ctx: { log: PluginLogger }): Promise<Generator>;
  start?(samples: readonly SampleSpec[]): Promise<void>;
  run(sample: SampleSpec, job: GenerationJob, output: OutputPlugin, runner: OutputRunner): Promise<JobResult>;
  close?(): Promise<void>;
}

/** A job that produced no events; `count` is how many were planned (reported as lost). */
export class JobError extends Error {
  constructor(
    message: string,
    readonly count: number,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

/** Words for anything thrown: plugins may throw strings, objects or nothing at all. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
  if (typeof e === 'string') return e;
  try {
    return `${typeof e} ${JSON.stringify(e)}`;
  } catch {
    return String(e);
  }
}

/** Encodes events for an output in its batch size, as a worker would. */
export function encodeForOutput(events: readonly EventRecord[], output: OutputPlugin, batchSize: number, settings: Readonly<Record<string, unknown>>): JobResult {
  if (!output.encode) return { count: events.length, events };
  const encoded: string[] = [];
  const counts: number[] = [];
  const size = Math.max(1, batchSize);
  for (let i = 0; i < events.length; i += size) {
    const slice = events.slice(i, i + size);
    encoded.push(output.encode(slice, settings));
    counts.push(slice.length);
  }
  return { count: events.length, encoded, counts };
}

export function batchSizeFor(sample: SampleSpec, output: OutputPlugin): number {
  const q = Number(sample.settings.maxQueueLength);
  return q > 0 ? q : output.batchSize;
}

/**
 * How the line fast path hands its batches over: UTF-8 bytes (a worker transfers the buffer
 * without copying it) or strings (copied by postMessage, converted to UTF-8 by the writer).
 * bench/README.md compares the two on this machine; bytes won.
 */
export type LineTransport = 'bytes' | 'string';

/** The random stream of one job: the same whatever thread runs it. */
export function jobRandom(seed: number, sampleId: string, seq: number): Random {
  return new Random([seed, sampleId, seq]);
}

/**
 * Buffers for line output, recycled: a job's buffer goes to the output, comes back when the
 * output is done with it, and is filled again — on the main thread, or (transferred both ways)
 * on a worker thread. Fresh 2 MB buffers per job cost page faults and, as external memory, made
 * V8 run full collections every few hundred milliseconds.
 */
export class BufferPool {
  readonly #free: ArrayBuffer[] = [];
  #bytes = 0;

  /** Keeps at most `maxBuffers` idle buffers and `maxBytes` bytes; the excess is left to the GC. */
  constructor(
    readonly maxBuffers: number,
    readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  get size(): number {
    return this.#free.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** A buffer of at least `min` bytes: a free one if one is big enough, else a new one. */
  take(min: number): Buffer {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      if (this.#free[i].byteLength >= min) {
        const ab = this.#free.splice(i, 1)[0];
        this.#bytes -= ab.byteLength;
        return Buffer.from(ab);
      }
    }
    return Buffer.allocUnsafeSlow(Math.max(min, 64 * 1024));
  }

  /** Returns a buffer nobody uses any more (detached ones are ignored). */
  give(ab: ArrayBuffer): void {
    if (ab.byteLength === 0) return;
    this.#free.push(ab);
    this.#bytes += ab.byteLength;
    while (this.#free.length > this.maxBuffers || this.#bytes > this.maxBytes) this.#bytes -= this.#free.shift()!.byteLength;
  }

  /** Up to `n` free buffers, removed from the pool (to be transferred to a worker thread). */
  takeMany(n: number): ArrayBuffer[] {
    const out = this.#free.splice(Math.max(0, this.#free.length - n), n);
    for (const ab of out) this.#bytes -= ab.byteLength;
    return out;
  }
}

export interface JobOptions {
  readonly batchSize: number;
  readonly seed: number;
  readonly log: PluginLogger;
  readonly lines?: LineTransport;
  /** Where line buffers come from (see BufferPool); default: new buffers. */
  readonly alloc?: (minBytes: number) => Buffer;
  /** Where the generator plugin came from, for messages. */
  readonly origin?: PluginOrigin;
}

/** `generator "weblog" from app acme (/…/bin/weblog.js)` — or just `generator "default"` for built-ins. */
export function generatorLabel(name: string, origin?: PluginOrigin): string {
  return origin && origin.app !== 'builtin' ? `generator "${name}" from ${describeOrigin(origin)}` : `generator "${name}"`;
}

/**
 * Runs one job of a queueable generator and encodes the result for the output. Line outputs
 * (stdout, file, devnull: encode === encodeLines) take the built-in generator's fast path,
 * which writes the lines directly; every other combination builds events and encodes them.
 * Throws JobError (with the planned count) when the generator fails.
 */
export async function runGeneratorJob(g: Generator, sample: SampleSpec, job: GenerationJob, output: OutputPlugin, o: JobOptions): Promise<JobResult & { buffer?: ArrayBuffer }> {
  const label = generatorLabel(String(sample.settings.generator), o.origin);
  if (typeof g.generate !== 'function') throw new JobError(`${label} has no generate() (a queueable generator needs one)`, job.count);
  const ctx = { random: jobRandom(o.seed, sample.id, job.seq), log: o.log };
  try {
    if (output.encode === encodeLines && isLineRenderer(g)) {
      const r = g[RENDER_LINES](job, ctx, o.batchSize, o.lines ?? 'bytes', o.alloc);
      let count = 0;
      for (const c of r.counts) count += c;
      return { count, encoded: r.encoded, counts: r.counts, buffer: r.buffer };
    }
    const events = await g.generate(job, ctx);
    if (!Array.isArray(events)) throw new Error(`generate() must return an array of events, not ${events === null ? 'null' : typeof events}`);
    return encodeForOutput(events, output, o.batchSize, sample.settings);
  } catch (e) {
    throw new JobError(`${label} failed: ${errorText(e)}`, job.count);
  }
}

export class InProcessExecutor implements Executor {
  readonly #generators = new Map<string, Generator>();
  readonly #buffers = new BufferPool(8);
  readonly #alloc = (n: number) => this.#buffers.take(n);

  constructor(
    readonly registry: PluginRegistry,
    readonly seed: number,
    readonly log: PluginLogger,
  ) {}

  async prepare(sample: SampleSpec, plugin: GeneratorPlugin, ctx: { log: PluginLogger }): Promise<Generator> {
    const g = plugin.create(sample, ctx);
    if (!g || typeof g !== 'object') throw new Error(`generator ${plugin.name}: create() must return an object with generate() or run(), not ${g === null ? 'null' : typeof g}`);
    this.#generators.set(sample.id, g);
    return g;
  }

  async run(sample: SampleSpec, job: GenerationJob, output: OutputPlugin): Promise<JobResult> {
    const g = this.#generators.get(sample.id);
    if (!g) throw new JobError(`sample ${sample.id} has no generator`, job.count);
    const origin = this.registry.get('generator', String(sample.settings.generator))?.origin;
    const r = await runGeneratorJob(g, sample, job, output, { batchSize: batchSizeFor(sample, output), seed: this.seed, log: this.log, origin, alloc: this.#alloc });
    const { buffer, ...result } = r;
    if (!buffer) return result;
    // The output runner calls release() once every batch of the job has been sent.
    return { ...result, release: () => this.#buffers.give(buffer) };
  }

  /** Drops the main-thread generator of a sample whose jobs run elsewhere (closing it). */
  forget(sampleId: string): void {
    const g = this.#generators.get(sampleId);
    this.#generators.delete(sampleId);
    try {
      void Promise.resolve(g?.close?.()).catch(() => undefined);
    } catch {
      // a generator that cannot close is simply dropped
    }
  }

  async close(): Promise<void> {
    for (const g of this.#generators.values()) {
      try {
        await g.close?.();
      } catch (e) {
        this.log.warn({ err: errorText(e) }, 'A generator failed to close.');
      }
    }
  }
}
