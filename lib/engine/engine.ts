/**
 * The engine: for each resolved sample a timer loop (the scheduler) asks its rater for a count,
 * cuts it into jobs, has an executor run the generator on them and submits the results to the
 * sample's output runner. Non-queueable generators (replay) drive their own timing.
 * A sample that fails to set up or run stops alone; run() resolves when every sample is done
 * and every output has flushed.
 */
import type { EventRecord, Generator, GeneratorPlugin, OutputPlugin, PluginLogger, Rater, SampleSpec } from '../plugins/api';
import type { PluginRegistry } from '../plugins/registry';
import { OutputFailedError, OutputRunner, type JobResult, type OutputMetrics } from '../output/runner';
import { Random } from '../util/random';
import type { Clock, ClockActor } from './clock';
import { parseRelativeTime } from '../time/relative';
import { parseTimeZone, type TimeZone } from '../time/tz';
import { batchSizeFor, encodeForOutput, InProcessExecutor, type Executor } from './executor';
import { parseEnd, type EndSpec } from './end';

export interface EngineOptions {
  readonly samples: readonly SampleSpec[];
  readonly registry: PluginRegistry;
  readonly clock: Clock;
  readonly seed: number;
  readonly log: PluginLogger;
  /** The `outputWorkers` setting: batches each output may have in flight (see OutputRunner). */
  readonly outputWorkers?: number;
  /** State a non-queueable generator saved before a restart (see GeneratorRunIO.resumeState). */
  readonly resumeState?: (sampleId: string) => unknown;
  /** Where GeneratorRunIO.saveState goes (the Splunk input's checkpoint store). */
  readonly onState?: (sampleId: string, state: unknown) => void;
  /** Largest number of events in one generation job. */
  readonly jobSize?: number;
  readonly executor?: Executor;
  /** Called after each interval of each sample, for metrics and progress. */
  readonly onInterval?: (sampleId: string, events: number, at: number) => void;
}

export interface SampleOutcome {
  readonly id: string;
  readonly generated: number;
  readonly intervals: number;
  readonly error?: string;
}

export interface RunSummary {
  readonly samples: SampleOutcome[];
  readonly outputs: Array<{ key: string; metrics: OutputMetrics }>;
  readonly failed: boolean;
}

interface Prepared {
  jobError?: Error;
  readonly sample: SampleSpec;
  readonly genPlugin: GeneratorPlugin;
  readonly generator: Generator;
  readonly rater: Rater;
  readonly runner: OutputRunner;
  readonly outPlugin: OutputPlugin;
  readonly tz: TimeZone;
}

export class SampleFailure extends Error {}

/** How long before an interval (real clock) its first jobs are generated; see #runQueueable. */
export const PREGENERATE_MS = 250;
/** How many of an interval's jobs are generated ahead of it, at most. */
const HELD_JOBS = 5;

/** Jobs generated but never to be sent: their buffers go back, a failure among them is ignored. */
function dropJobs(jobs: ReadonlyArray<Promise<JobResult>>): void {
  for (const r of jobs) r.then((x) => x.release?.(), () => undefined);
}

export class Engine {
  readonly #opts: EngineOptions;
  readonly #runners = new Map<string, OutputRunner>();
  readonly #abort = new AbortController();
  readonly #executor: Executor;
  #outcomes: SampleOutcome[] = [];

  constructor(opts: EngineOptions) {
    this.#opts = opts;
    this.#executor = opts.executor ?? new InProcessExecutor(opts.registry, opts.seed, opts.log);
  }

  /** Stops the timers; run() then flushes what was generated and resolves. */
  stop(): void {
    this.#abort.abort();
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  runners(): ReadonlyMap<string, OutputRunner> {
    return this.#runners;
  }

  #deadline: () => number = () => Infinity;

  async run(opts: { closeDeadline?: () => number } = {}): Promise<RunSummary> {
    if (opts.closeDeadline) this.#deadline = opts.closeDeadline;
    const prepared: Prepared[] = [];
    const volumeShares = perDayVolumeShares(this.#opts.samples);
    for (const sample of this.#opts.samples) {
      try {
        prepared.push(await this.#prepare(sample, volumeShares.get(sample.id) ?? 1));
      } catch (e) {
        this.#fail(sample.id, 0, 0, e as Error);
      }
    }
    await this.#executor.start?.(prepared.map((p) => p.sample));
    await Promise.all(prepared.map((p) => this.#runSample(p)));
    // Jobs still running on workers must finish before the pool goes away.
    const deadline = this.#deadline;
    for (const runner of this.#runners.values()) await runner.drain();
    await this.#executor.close?.();
    const outputs: RunSummary['outputs'] = [];
    for (const [key, runner] of this.#runners) outputs.push({ key, metrics: await runner.close(deadline) });
    const failed = this.#outcomes.some((o) => o.error) || outputs.some((o) => o.metrics.undeliverable > 0 || o.metrics.lost > 0);
    return { samples: this.#outcomes, outputs, failed };
  }

  async #prepare(sample: SampleSpec, volumeShare = 1): Promise<Prepared> {
    const { registry, log } = this.#opts;
    const s = sample.settings;
    const gen = registry.get('generator', String(s.generator));
    if (!gen) throw new SampleFailure(`generator: ${registry.explainMissing('generator', String(s.generator))}`);
    const rat = registry.get('rater', String(s.rater));
    if (!rat) throw new SampleFailure(`rater: ${registry.explainMissing('rater', String(s.rater))}`);
    const out = registry.get('output', String(s.outputMode));
    if (!out) throw new SampleFailure(`outputMode: ${registry.explainMissing('output', String(s.outputMode))}`);
    const tz = parseTimeZone(String(s.timezone ?? 'local'));
    if (!tz) throw new SampleFailure(`timezone = ${JSON.stringify(s.timezone)} is not a time zone`);
    const ctx = { log: childLog(log, sample) };
    const generator = await this.#executor.prepare(sample, gen.plugin, ctx);
    // A stanza's perDayVolume is split evenly over the sample files it selects.
    const raterSample = volumeShare === 1 ? sample : { ...sample, settings: { ...sample.settings, perDayVolume: Number(sample.settings.perDayVolume) * volumeShare } };
    const rater = rat.plugin.create(raterSample, ctx);
    const key = `${out.plugin.name}:${out.plugin.instanceKey?.(sample) ?? out.plugin.name}`;
    let runner = this.#runners.get(key);
    if (!runner) {
      const output = out.plugin.create(sample, { log: ctx.log, sample });
      runner = new OutputRunner(key, out.plugin, output, { batchSize: batchSizeFor(sample, out.plugin), outputWorkers: this.#opts.outputWorkers, log: this.#opts.log });
      // Retries end at the caller's deadline, which a second signal moves to "now".
      runner.setDeadline(this.#deadline);
      this.#runners.set(key, runner);
    }
    return { sample, genPlugin: gen.plugin, generator, rater, runner, outPlugin: out.plugin, tz };
  }

  #fail(id: string, generated: number, intervals: number, e: Error): void {
    const msg = e instanceof Error ? e.message : String(e);
    this.#opts.log.error({ sample: id, err: msg }, `Sample ${id} stopped: ${msg}`);
    this.#outcomes.push({ id, generated, intervals, error: msg });
  }

  async #runSample(p: Prepared): Promise<void> {
    const actor = this.#opts.clock.actor(p.sample.id);
    const state = { generated: 0, intervals: 0 };
    try {
      if (p.genPlugin.queueable) await this.#runQueueable(p, actor, state);
      else await this.#runOwnTimer(p, actor, state);
      this.#outcomes.push({ id: p.sample.id, generated: state.generated, intervals: state.intervals });
    } catch (e) {
      this.#fail(p.sample.id, state.generated, state.intervals, e as Error);
    } finally {
      actor.done();
    }
  }

  /**
   * The timer loop of a queueable generator. Each interval the rater gives a count; the count is
   * cut into jobs of at most jobSize. With a `perdayvolume` rater the count is BYTES (the
   * perdayvolumegenerator's contract), so jobs are cut in bytes and the events are counted when
   * the jobs come back.
   *
   * Backfill: the slices of the grid `now − k·interval` between the backfill start and now are
   * planned at once, oldest first. A slice [a, b] gets the interval's count × (b − a) / interval
   * (fractions carried to the next slice, so a partial first slice gets its share and the density
   * is even), the rate of its start, and the window [earliest at a, latest at b] clamped to now:
   * with the default earliest = latest = now the events spread evenly over the slice, and no
   * timestamp is in the future. The backfill counts as one interval for `end`.
   *
   * End: a number of intervals, or a time: no interval starts at or after it, and the loop ends
   * at that time (not at the last interval before it).
   *
   * Release at the tick: on the real clock the loop wakes PREGENERATE_MS (at most a quarter of the
   * interval) before each interval, has its first HELD_JOBS jobs generated then, and submits them
   * to the output once the interval has begun. Otherwise the first event of every interval left
   * one job's generation (10–25 ms, more on a busy machine) after the tick, and that delay's jitter
   * made the delivered rate of single intervals miss by 1–3 % (bench/README.md). They wait here,
   * not in the output runner's queue, which other samples share: a replay writing to the same
   * output must not wait behind them.
   */
  async #runQueueable(p: Prepared, actor: ClockActor, state: { generated: number; intervals: number }): Promise<void> {
    const { clock } = this.#opts;
    const s = p.sample.settings;
    const signal = this.#abort.signal;
    const intervalMs = Math.max(0, Number(s.interval) || 0) * 1000;
    const end = parseEnd(s.end, clock.now(), p.tz);
    if (end.intervals === 0) return;
    const countsBytes = String(s.rater) === 'perdayvolume';
    const jobSize = Math.max(1, this.#opts.jobSize ?? 10000) * (countsBytes ? 100 : 1);
    const rateRandom = new Random([this.#opts.seed, p.sample.id, 'rater']);
    const pending: Promise<unknown>[] = [];
    let eventOffset = 0;
    let seq = 0;
    let carry = 0;
    let tick = clock.now() + Number(s.delay) * 1000;
    if (s.delay) await actor.sleepUntil(tick, signal);

    // On the real clock an interval's first jobs are generated ahead of its start and held until
    // then (see #runQueueable's comment): the first byte leaves at the tick, not a job later.
    const lead = clock.simulated ? 0 : Math.min(PREGENERATE_MS, intervalMs / 4);
    const plan = async (at: number, window?: { earliest: number; latest: number }, share = 1, releaseAt?: number) => {
      const base = Number(s.count) < 0 ? (p.generator.sampleSize ?? -1) : Number(s.count);
      let count = base < 0 ? base : p.rater.rate(base, at, rateRandom);
      if (share !== 1 && count > 0) {
        const want = count * share + carry;
        count = Math.floor(want);
        carry = want - count;
      }
      if (count < 1 && count !== -1) return;
      let earliest = window?.earliest ?? resolveTime(String(s.earliest), at, p.tz);
      const latest = window?.latest ?? resolveTime(String(s.latest), at, p.tz);
      if (earliest > latest) earliest = latest;
      const total = count < 0 ? (p.generator.sampleSize ?? 0) : count;
      const submit = async (result: Promise<JobResult>) => {
        if (countsBytes) {
          // The job's count was bytes; its events are known when it comes back.
          pending.push(
            result.then(
              (r) => {
                state.generated += r.count;
                this.#opts.onInterval?.(p.sample.id, r.count, at);
              },
              () => undefined,
            ),
          );
          if (pending.length > 64) await Promise.all(pending.splice(0, pending.length - 16));
        }
        await this.#submit(p, result);
      };
      // Jobs generated ahead of releaseAt wait here, in order, until it (see the comment above).
      const held: Array<Promise<JobResult>> = [];
      /** Submits the held jobs at `when`; false when the run was stopped before then. */
      const release = async (when: number): Promise<boolean> => {
        await actor.sleepUntil(when, signal);
        const jobs = held.splice(0);
        // Stopped before the interval began: the interval never happens, its jobs go unsent.
        if (signal.aborted && clock.now() < when) {
          dropJobs(jobs);
          return false;
        }
        try {
          while (jobs.length) await submit(jobs.shift()!);
        } finally {
          dropJobs(jobs); // the sample stopped (a failed job, a failed output): the rest go unsent
        }
        return true;
      };
      for (let off = 0; off < total; off += jobSize) {
        const n = Math.min(jobSize, total - off);
        const job = { sampleId: p.sample.id, seq: seq++, count: n, earliest, latest, now: at, eventOffset: eventOffset + off, intervalOffset: off, intervalCount: total };
        const result = this.#executor.run(p.sample, job, p.outPlugin, p.runner);
        if (releaseAt === undefined || (held.length === 0 && clock.now() >= releaseAt)) {
          await submit(result);
          continue;
        }
        result.catch(() => undefined); // a failure is handled once submitted (or the job dropped)
        held.push(result);
        if ((held.length >= HELD_JOBS || clock.now() >= releaseAt || signal.aborted) && !(await release(releaseAt))) return;
      }
      if (held.length && !(await release(releaseAt!))) return;
      eventOffset += total;
      if (!countsBytes) {
        state.generated += total;
        this.#opts.onInterval?.(p.sample.id, total, at);
      }
    };

    try {
      if (s.backfill !== undefined && s.backfill !== null && String(s.backfill).trim() !== '' && !signal.aborted) {
        const now = tick;
        const from = resolveTime(String(s.backfill), now, p.tz);
        const until = Math.min(now, end.at ?? Infinity);
        // With interval = 0 there is no grid: one slice (a day's worth for a daily volume).
        const step = intervalMs > 0 ? intervalMs : countsBytes ? 86_400_000 : Math.max(1, until - from);
        const first = now - Math.ceil((now - from) / step) * step;
        for (let a = first; a < until && !signal.aborted; a += step) {
          const lo = Math.max(a, from);
          const hi = Math.min(a + step, until);
          if (hi <= lo) continue;
          const earliest = resolveTime(String(s.earliest), lo, p.tz);
          const latest = Math.min(resolveTime(String(s.latest), hi, p.tz), now);
          await plan(lo, { earliest: Math.min(earliest, latest), latest }, (hi - lo) / step);
        }
        state.intervals++;
        // The backfill covered the interval that ends now; the live timer starts with the next one,
        // so the switch adds no duplicate interval.
        if (intervalMs > 0 && !(end.intervals !== undefined && state.intervals >= end.intervals)) {
          tick += intervalMs;
          await actor.sleepUntil(tick, signal);
        }
      }

      while (!signal.aborted) {
        if (end.intervals !== undefined && state.intervals >= end.intervals) break;
        if (end.at !== undefined && tick >= end.at) break;
        await plan(tick, undefined, 1, lead > 0 ? tick : undefined);
        // Stopped while its jobs were generated ahead: the interval did not happen.
        if (signal.aborted && clock.now() < tick) break;
        state.intervals++;
        // interval = 0 means "do not repeat" unless `end` asks for more runs (then back to back).
        if (intervalMs === 0 && end.intervals === undefined) break;
        tick += intervalMs;
        if (end.intervals !== undefined && state.intervals >= end.intervals) break;
        if (end.at !== undefined && tick >= end.at) {
          // Stop on time: the run lasts until `end`, not until the last interval before it.
          if (intervalMs > 0) await actor.sleepUntil(end.at, signal);
          break;
        }
        if (intervalMs > 0) await actor.sleepUntil(tick - lead, signal);
        if (!clock.simulated && clock.now() - tick > Math.max(intervalMs, 1000)) {
          this.#opts.log.warn({ sample: p.sample.id, lagMs: clock.now() - tick }, 'Generation is behind schedule: the output cannot keep up with the requested rate.');
        }
      }
    } finally {
      await Promise.all(pending);
    }
  }

  async #runOwnTimer(p: Prepared, actor: ClockActor, state: { generated: number; intervals: number }): Promise<void> {
    if (!p.generator.run) throw new SampleFailure(`generator ${p.genPlugin.name} is not queueable but has no run()`);
    const { clock } = this.#opts;
    const signal = this.#abort.signal;
    await p.generator.run({
      random: new Random([this.#opts.seed, p.sample.id, 'run']),
      log: childLog(this.#opts.log, p.sample),
      now: () => clock.now(),
      sleep: (ms) => actor.sleepUntil(clock.now() + ms, signal),
      emit: async (events: EventRecord[]) => {
        if (!events.length) return;
        state.generated += events.length;
        // Encoded here, where the sample's own settings are known (the output runner is shared
        // by every sample with the same output instance).
        await this.#submit(p, encodeForOutput(events, p.outPlugin, batchSizeFor(p.sample, p.outPlugin), p.sample.settings));
        this.#opts.onInterval?.(p.sample.id, events.length, clock.now());
      },
      signal,
      resumeState: this.#opts.resumeState?.(p.sample.id),
      saveState: (st) => this.#opts.onState?.(p.sample.id, st),
    });
  }

  async #submit(p: Prepared, result: Promise<JobResult> | JobResult): Promise<void> {
    try {
      await p.runner.submit(result, p.sample.id, (count, err) => {
        this.#opts.log.error({ sample: p.sample.id, events: count, err: err.message }, `A generation job of ${p.sample.id} failed; its ${count} events are lost.`);
        // A generator that throws stops its own sample only.
        p.jobError ??= err;
      });
      if (p.jobError) throw new SampleFailure(p.jobError.message);
    } catch (e) {
      if (e instanceof OutputFailedError) throw new SampleFailure(e.message);
      throw e;
    }
  }
}

/**
 * perDayVolume is the volume of a stanza: when a regex stanza selects several sample files,
 * each gets an equal share. Returns the share per sample id (only for shares below 1).
 */
function perDayVolumeShares(samples: readonly SampleSpec[]): Map<string, number> {
  const groups = new Map<string, string[]>();
  for (const s of samples) {
    if (s.settings.perDayVolume === undefined || s.settings.perDayVolume === null) continue;
    const key = `${s.app ?? ''}\u0000${s.confFile}\u0000${s.stanza}`;
    const list = groups.get(key) ?? [];
    list.push(s.id);
    groups.set(key, list);
  }
  const out = new Map<string, number>();
  for (const ids of groups.values()) if (ids.length > 1) for (const id of ids) out.set(id, 1 / ids.length);
  return out;
}

export function resolveTime(spec: string, now: number, tz: TimeZone): number {
  const r = parseRelativeTime(spec);
  if (!r.resolve) throw new SampleFailure(r.error ?? `cannot read time ${JSON.stringify(spec)}`);
  return r.resolve(now, tz);
}

function childLog(log: PluginLogger, sample: SampleSpec): PluginLogger {
  const bind = (fn: (o: object | string, m?: string) => void) => (o: object | string, m?: string) =>
    typeof o === 'string' ? fn({ sample: sample.id }, o) : fn({ sample: sample.id, ...o }, m);
  return { debug: bind(log.debug.bind(log)), info: bind(log.info.bind(log)), warn: bind(log.warn.bind(log)), error: bind(log.error.bind(log)) };
}

export type { EndSpec };
