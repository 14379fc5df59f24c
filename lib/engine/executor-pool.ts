/**
 * Generation on piscina worker threads. Each task is one job (thousands of events), never one
 * event; the worker builds the output's encoding too and hands it back as one transferred
 * buffer, so the main thread only writes bytes. Non-queueable generators (replay) stay on the
 * main thread, in order, on their own timer.
 *
 * A job whose thread dies under it (process.exit in a plugin, a crash, an uncaught throw) is
 * retried once on a fresh thread; if that fails too it is reported as lost with its count.
 * A generator that throws is the sample's own problem: no retry, the sample stops.
 * Output order stays the submission order (the output runner keeps it), so --seed output is
 * the same whatever the number of threads.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Piscina from 'piscina';
import type { GenerationJob, Generator, GeneratorPlugin, OutputPlugin, PluginLogger, SampleSpec } from '../plugins/api';
import type { PluginRegistry } from '../plugins/registry';
import type { JobResult } from '../output/runner';
import { batchSizeFor, BufferPool, errorText, InProcessExecutor, JobError, type Executor, type LineTransport } from './executor';
import type { WorkerData, WorkerResult, WorkerTask } from './worker';

export interface ExecutorOptions {
  readonly registry: PluginRegistry;
  readonly seed: number;
  readonly log: PluginLogger;
  /** generatorWorkers: 0 means one per core. 1 still uses one worker thread, so the main thread is free to write. */
  readonly workers: number;
  readonly samples: readonly SampleSpec[];
  /** How line outputs' batches come back from workers; default bytes (see LineTransport). */
  readonly lines?: LineTransport;
}

/** The executor for a run: worker threads for queueable generators. */
export function createExecutor(opts: ExecutorOptions): Executor {
  return new PoolExecutor(opts);
}

/** EVENTGEN_LINE_TRANSPORT=string lets the benchmark compare the two transports. */
function lineTransportFromEnv(): LineTransport {
  return process.env.EVENTGEN_LINE_TRANSPORT === 'string' ? 'string' : 'bytes';
}

/** generatorWorkers → thread count. */
export function threadCount(workers: number): number {
  return workers > 0 ? Math.floor(workers) : availableParallelism();
}

export class PoolExecutor implements Executor {
  readonly #local: InProcessExecutor;
  #pool?: Piscina;
  readonly #queueable = new Set<string>();
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Line buffers back from the outputs, waiting to ride to a worker with the next task. */
  #buffers = new BufferPool(32);
  /** Jobs retried after their thread died, and jobs lost after the retry failed too. */
  readonly stats = { retried: 0, lost: 0, lostEvents: 0 };

  constructor(readonly opts: ExecutorOptions) {
    this.#local = new InProcessExecutor(opts.registry, opts.seed, opts.log);
  }

  get threads(): number {
    return this.#pool?.threads.length ?? 0;
  }

  async prepare(sample: SampleSpec, plugin: GeneratorPlugin, ctx: { log: PluginLogger }): Promise<Generator> {
    // Built once here as well: set-up errors surface before any thread starts, and
    // non-queueable generators run here.
    const g = await this.#local.prepare(sample, plugin, ctx);
    if (!plugin.queueable) return g;
    this.#queueable.add(sample.id);
    // The engine only reads sampleSize of a queueable generator; a stub lets the main-thread
    // instance (a compiled sample can be large) go once the threads have their own.
    return { sampleSize: g.sampleSize };
  }

  async start(samples: readonly SampleSpec[]): Promise<void> {
    const mine = samples.filter((s) => this.#queueable.has(s.id));
    if (mine.length === 0) return;
    const threads = threadCount(this.opts.workers);
    // Idle buffers wait here for the next task. Every buffer in circulation is kept (jobs in
    // flight are bounded by the output runners), so steady generation allocates nothing new.
    this.#buffers = new BufferPool(32, 64 * 1024 * 1024);
    // The main-thread instances of queueable generators were only needed to validate the set-up
    // (and for sampleSize, which the engine already has): the threads build their own.
    for (const s of mine) this.#local.forget(s.id);
    const data: WorkerData = { seed: this.opts.seed, samples: mine, pluginFiles: this.opts.registry.pluginFiles(), lines: this.opts.lines ?? lineTransportFromEnv() };
    this.#pool = new Piscina({
      filename: join(__dirname, 'worker.js'),
      minThreads: threads,
      maxThreads: threads,
      // minThreads = maxThreads: threads stay for the whole run, even between distant intervals.
      idleTimeout: 60000,
      // One task per thread: a thread that dies takes only the job that killed it down (with
      // two, an innocent job queued beside it died too, and could be lost on its retry).
      concurrentTasksPerWorker: 1,
      // 'async': between tasks a thread waits with Atomics.waitAsync, so its event loop keeps
      // running and V8's idle-time and memory-reducing collections can run. With 'sync' they
      // never did: a long soak showed the threads' old space creeping up (bench/README.md).
      atomics: 'async',
      // No maxQueue: the output runners bound the jobs in flight (maxPending per output).
      workerData: data,
    });
  }

  run(sample: SampleSpec, job: GenerationJob, output: OutputPlugin): Promise<JobResult> {
    const pool = this.#pool;
    if (!pool || !this.#queueable.has(sample.id)) return this.#local.run(sample, job, output);
    const task: WorkerTask = { sampleId: sample.id, job, output: output.name, batchSize: batchSizeFor(sample, output), spare: this.#buffers.takeMany(1) };
    const p = this.#runOnPool(pool, sample, task);
    this.#inFlight.add(p);
    const forget = () => this.#inFlight.delete(p);
    p.then(forget, forget);
    return p;
  }

  async #runOnPool(pool: Piscina, sample: SampleSpec, task: WorkerTask): Promise<JobResult> {
    const { job } = task;
    for (let attempt = 1; ; attempt++) {
      let r: WorkerResult;
      try {
        // Spare buffers travel once; a retry goes without them (they died with the thread).
        r = (attempt === 1 ? await pool.run(task, { transferList: task.spare }) : await pool.run({ ...task, spare: [] })) as WorkerResult;
      } catch (e) {
        // The thread died (or the pool is shutting down) while running the job.
        const why = errorText(e);
        if (attempt < 2) {
          this.stats.retried++;
          this.opts.log.warn({ sample: sample.id, job: job.seq, events: job.count, err: why }, 'A worker thread died during a job; retrying the job once.');
          continue;
        }
        this.stats.lost++;
        this.stats.lostEvents += job.count;
        throw new JobError(`a worker thread died twice while generating job ${job.seq} of ${sample.id} (${job.count} events lost): ${why}`, job.count);
      }
      if ('failed' in r) throw new JobError(r.failed, r.count);
      const { buffer, ...result } = r as JobResult & { buffer?: ArrayBuffer };
      if (!buffer) return result;
      // The output runner calls release() once every batch of the job has been sent.
      return { ...result, release: () => this.#buffers.give(buffer) };
    }
  }

  async close(): Promise<void> {
    // Orderly: let running jobs finish (their results are already owned by output runners).
    while (this.#inFlight.size) await Promise.allSettled([...this.#inFlight]);
    await this.#pool?.destroy();
    await this.#local.close();
  }
}
