/**
 * Generation on piscina worker threads. Each task is one job (thousands of events), never one
 * event; the worker builds the output's encoding too, so the main thread only writes strings.
 * Jobs that fail because a worker died are retried once, then reported as lost with their count.
 * Output order stays the submission order (the output runner keeps it), so --seed output is the
 * same whatever the number of threads.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Piscina from 'piscina';
import type { GenerationJob, Generator, GeneratorPlugin, OutputPlugin, PluginLogger, SampleSpec } from '../plugins/api';
import type { PluginRegistry } from '../plugins/registry';
import type { JobResult } from '../output/runner';
import { batchSizeFor, InProcessExecutor, JobError, type Executor } from './executor';
import type { WorkerData, WorkerTask } from './worker';

export interface ExecutorOptions {
  readonly registry: PluginRegistry;
  readonly seed: number;
  readonly log: PluginLogger;
  /** 0: one per core. 1 still uses one worker thread, so the main thread is free to write. */
  readonly workers: number;
  readonly samples: readonly SampleSpec[];
}

export function createExecutor(opts: ExecutorOptions): Executor {
  return new PoolExecutor(opts);
}

export class PoolExecutor implements Executor {
  readonly #local: InProcessExecutor;
  #pool?: Piscina;
  readonly #queueable = new Set<string>();

  constructor(readonly opts: ExecutorOptions) {
    this.#local = new InProcessExecutor(opts.registry, opts.seed, opts.log);
  }

  async prepare(sample: SampleSpec, plugin: GeneratorPlugin, ctx: { log: PluginLogger }): Promise<Generator> {
    // Built once here as well: set-up errors surface before any thread starts, and
    // non-queueable generators run here.
    const g = await this.#local.prepare(sample, plugin, ctx);
    if (plugin.queueable) this.#queueable.add(sample.id);
    return g;
  }

  async start(samples: readonly SampleSpec[]): Promise<void> {
    if (this.#queueable.size === 0) return;
    const threads = this.opts.workers > 0 ? this.opts.workers : availableParallelism();
    const pluginFiles = this.opts.registry.pluginFiles();
    const data: WorkerData = { seed: this.opts.seed, samples: samples.filter((s) => this.#queueable.has(s.id)), pluginFiles };
    this.#pool = new Piscina({
      filename: join(__dirname, 'worker.js'),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60000,
      workerData: data,
    });
  }

  async run(sample: SampleSpec, job: GenerationJob, output: OutputPlugin): Promise<JobResult> {
    if (!this.#pool || !this.#queueable.has(sample.id)) return this.#local.run(sample, job, output);
    const task: WorkerTask = { sampleId: sample.id, job, output: output.name, batchSize: batchSizeFor(sample, output) };
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.#pool.run(task)) as JobResult;
      } catch (e) {
        const err = e as Error & { generatorError?: boolean };
        // A generator that throws is the sample's problem; a worker that died is worth one retry.
        if (attempt >= 2 || /^generator /.test(err.message)) throw new JobError(err.message, job.count);
        this.opts.log.warn({ sample: sample.id, job: job.seq, err: err.message }, 'A worker thread failed during a job; retrying the job once.');
      }
    }
  }

  async close(): Promise<void> {
    await this.#pool?.destroy();
    await this.#local.close();
  }
}
