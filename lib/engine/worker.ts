/**
 * The piscina worker: builds generators (built-in or from app plugin files) once per thread,
 * runs jobs and returns their events encoded for the sample's output.
 *
 * A generator that throws is reported in the result (`failed`), not as a task error, so the
 * main thread can tell "the generator is broken" (the sample stops, no retry) from "the thread
 * died under the job" (piscina rejects the task; the job is retried once).
 */
import { workerData } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { GenerationJob, Generator, PluginLogger, SampleSpec } from '../plugins/api';
import { builtinRegistry } from '../plugins/builtin';
import { BufferPool, errorText, JobError, runGeneratorJob, type LineTransport } from './executor';
import type { JobResult } from '../output/runner';

export interface WorkerData {
  readonly seed: number;
  readonly samples: readonly SampleSpec[];
  /** Plugin files from apps, loaded in every thread as in the main one (same order). */
  readonly pluginFiles: ReadonlyArray<{ file: string; app: string }>;
  /** How line outputs' batches come back (see LineTransport). */
  readonly lines: LineTransport;
}

export interface WorkerTask {
  readonly sampleId: string;
  readonly job: GenerationJob;
  readonly output: string;
  readonly batchSize: number;
  /** Line buffers the main thread is done with, transferred back for reuse. */
  readonly spare?: ArrayBuffer[];
}

/** What a task resolves to: the job's result, or why the generator failed. */
export type WorkerResult = JobResult | { readonly failed: string; readonly count: number };

const data = workerData as WorkerData;
// Only the built-ins this thread's samples use: the thread starts faster (see builtin.ts).
const used = new Set((data?.samples ?? []).flatMap((s) => [`generator:${String(s.settings.generator)}`, `output:${String(s.settings.outputMode)}`]));
const registry = builtinRegistry((kind, name) => used.has(`${kind}:${name}`));
const loadErrors = new Map<string, string>();
for (const { file, app } of data?.pluginFiles ?? []) {
  try {
    registry.register(require(file), { app, file });
  } catch (e) {
    // The main thread loaded this file; failing here (a module that only works on the main
    // thread) is reported to the samples that use it.
    loadErrors.set(file, `${app} (${file}) could not be loaded in a worker thread: ${errorText(e)}`);
  }
}
const samples = new Map((data?.samples ?? []).map((s) => [s.id, s]));
const buffers = new BufferPool(8, 32 * 1024 * 1024);
const alloc = (n: number) => buffers.take(n);
const generators = new Map<string, Generator>();

// Workers have no logger of their own; generator messages are rare and go to stderr.
const log: PluginLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (o, m) => process.stderr.write(`WARN ${m ?? ''} ${JSON.stringify(o)}\n`),
  error: (o, m) => process.stderr.write(`ERROR ${m ?? ''} ${JSON.stringify(o)}\n`),
};

function generatorFor(sample: SampleSpec): Generator {
  let g = generators.get(sample.id);
  if (g) return g;
  const name = String(sample.settings.generator);
  const plugin = registry.get('generator', name);
  if (!plugin) {
    const why = [...loadErrors.values()].join('; ');
    throw new Error(`generator ${name} is not available in the worker thread${why ? `: ${why}` : ''}`);
  }
  g = plugin.plugin.create(sample, { log });
  generators.set(sample.id, g);
  return g;
}

export default async function runJob(task: WorkerTask): Promise<unknown> {
  for (const ab of task.spare ?? []) buffers.give(ab);
  const sample = samples.get(task.sampleId);
  if (!sample) return { failed: `the worker thread does not know sample ${task.sampleId}`, count: task.job.count } satisfies WorkerResult;
  let result: JobResult & { buffer?: ArrayBuffer };
  try {
    const g = generatorFor(sample);
    const output = registry.get('output', task.output);
    if (!output) throw new Error(`output ${task.output} is not available in the worker thread`);
    const origin = registry.get('generator', String(sample.settings.generator))?.origin;
    result = await runGeneratorJob(g, sample, task.job, output.plugin, { batchSize: task.batchSize, seed: data.seed, log, lines: data.lines, origin, alloc });
  } catch (e) {
    const message = e instanceof JobError ? e.message : `generator "${String(sample.settings.generator)}" failed: ${errorText(e)}`;
    return { failed: message, count: task.job.count } satisfies WorkerResult;
  }
  // Line batches are views into one buffer: moved to the main thread, not copied; the main
  // thread sends it back (task.spare) when the output is done with it.
  if (result.buffer) return move({ [transferableSymbol]: [result.buffer], [valueSymbol]: result } as never);
  return result;
}
