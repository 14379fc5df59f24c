/**
 * Executors run generation jobs. The in-process executor runs them on the main thread; the
 * worker-pool executor (executor-pool.ts) runs queueable generators on piscina threads. Both
 * return the same JobResult: events, or their encoding for the output cut into output batches.
 */
import type { EventRecord, GenerationJob, Generator, GeneratorPlugin, OutputPlugin, PluginLogger, SampleSpec } from '../plugins/api';
import type { PluginRegistry } from '../plugins/registry';
import type { JobResult, OutputRunner } from '../output/runner';
import { Random } from '../util/random';

export interface Executor {
  /** Creates the sample's generator (validating it) and returns the main-thread instance. */
  prepare(sample: SampleSpec, plugin: GeneratorPlugin, ctx: { log: PluginLogger }): Promise<Generator>;
  start?(samples: readonly SampleSpec[]): Promise<void>;
  run(sample: SampleSpec, job: GenerationJob, output: OutputPlugin, runner: OutputRunner): Promise<JobResult>;
  close?(): Promise<void>;
}

export class JobError extends Error {
  constructor(message: string, readonly count: number) {
    super(message);
  }
}

/** Encodes events for an output in its batch size, as a worker would. */
export function encodeForOutput(events: readonly EventRecord[], output: OutputPlugin, batchSize: number, settings: Readonly<Record<string, unknown>>): JobResult {
  if (!output.encode) return { count: events.length, events };
  const encoded: string[] = [];
  const counts: number[] = [];
  for (let i = 0; i < events.length; i += batchSize) {
    const slice = events.slice(i, i + batchSize);
    encoded.push(output.encode(slice, settings));
    counts.push(slice.length);
  }
  return { count: events.length, encoded, counts };
}

export function batchSizeFor(sample: SampleSpec, output: OutputPlugin): number {
  const q = Number(sample.settings.maxQueueLength);
  return q > 0 ? q : output.batchSize;
}

export class InProcessExecutor implements Executor {
  readonly #generators = new Map<string, Generator>();

  constructor(readonly registry: PluginRegistry, readonly seed: number, readonly log: PluginLogger) {}

  async prepare(sample: SampleSpec, plugin: GeneratorPlugin, ctx: { log: PluginLogger }): Promise<Generator> {
    const g = plugin.create(sample, ctx);
    this.#generators.set(sample.id, g);
    return g;
  }

  async run(sample: SampleSpec, job: GenerationJob, output: OutputPlugin): Promise<JobResult> {
    const g = this.#generators.get(sample.id);
    if (!g?.generate) throw new JobError(`sample ${sample.id} has no queueable generator`, job.count);
    let events: EventRecord[];
    try {
      events = await g.generate(job, { random: new Random([this.seed, sample.id, job.seq]), log: this.log });
    } catch (e) {
      throw new JobError(`generator ${String(sample.settings.generator)} failed: ${(e as Error).message}`, job.count);
    }
    return encodeForOutput(events, output, batchSizeFor(sample, output), sample.settings);
  }

  async close(): Promise<void> {
    for (const g of this.#generators.values()) await g.close?.();
  }
}
