/**
 * The piscina worker: builds generators (built-in or from app plugin files) once per thread,
 * runs jobs and returns their events encoded for the sample's output.
 */
import { workerData } from 'node:worker_threads';
import type { GenerationJob, Generator, PluginLogger, SampleSpec } from '../plugins/api';
import { builtinRegistry } from '../plugins/builtin';
import { Random } from '../util/random';
import { encodeForOutput } from './executor';
import type { JobResult } from '../output/runner';

export interface WorkerData {
  readonly seed: number;
  readonly samples: readonly SampleSpec[];
  /** Plugin files from apps, loaded in every thread as in the main one. */
  readonly pluginFiles: ReadonlyArray<{ file: string; app: string }>;
}

export interface WorkerTask {
  readonly sampleId: string;
  readonly job: GenerationJob;
  readonly output: string;
  readonly batchSize: number;
}

const data = workerData as WorkerData;
const registry = builtinRegistry();
for (const { file, app } of data?.pluginFiles ?? []) {
  try {
    registry.register(require(file), { app, file });
  } catch {
    // The main thread already reported this file; samples using it never reach a worker.
  }
}
const samples = new Map((data?.samples ?? []).map((s) => [s.id, s]));
const generators = new Map<string, Generator>();

// Workers have no stderr logger of their own; generator messages are rare and go to stderr.
const log: PluginLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (o, m) => process.stderr.write(`WARN ${m ?? ''} ${JSON.stringify(o)}\n`),
  error: (o, m) => process.stderr.write(`ERROR ${m ?? ''} ${JSON.stringify(o)}\n`),
};

export default async function runJob(task: WorkerTask): Promise<JobResult> {
  const sample = samples.get(task.sampleId);
  if (!sample) throw new Error(`worker does not know sample ${task.sampleId}`);
  let g = generators.get(task.sampleId);
  if (!g) {
    const plugin = registry.get('generator', String(sample.settings.generator));
    if (!plugin) throw new Error(`generator ${String(sample.settings.generator)} is not available in the worker`);
    g = plugin.plugin.create(sample, { log });
    generators.set(task.sampleId, g);
  }
  const output = registry.get('output', task.output);
  if (!output) throw new Error(`output ${task.output} is not available in the worker`);
  let events;
  try {
    events = await g.generate!(task.job, { random: new Random([data.seed, sample.id, task.job.seq]), log });
  } catch (e) {
    throw new Error(`generator ${String(sample.settings.generator)} failed: ${(e as Error).message}`);
  }
  return encodeForOutput(events, output.plugin, task.batchSize, sample.settings);
}
