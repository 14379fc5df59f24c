/**
 * What must survive a restart of the modular input, kept in splunkd's `checkpoint_dir`
 * (docs/SPLUNK.md "Restarts"). Per sample: up to when it has generated, how many intervals ran
 * and whether the sample has finished. On start-up {@link applyCheckpoints} turns that into
 * settings, so a restart neither repeats nor skips an interval:
 *  - an endless sample catches up from where it stopped (as a backfill, which the engine spreads
 *    over the gap at the sample's rate) instead of starting over its configured `backfill` or
 *    skipping the gap;
 *  - a sample with `end = N` runs only the intervals it has left; a finished one does not run.
 * Non-queueable generators (replay) drive their own timing: they save their position through
 * GeneratorRunIO.saveState, kept here as `state`, and continue from it (resumeState).
 *
 * One JSON file per input stanza (several stanza processes share the folder), written
 * atomically (temporary file + rename) every few seconds and at exit.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SampleSpec } from '../plugins/api';
import { parseEnd, type EndSpec } from '../engine/end';
import { parseRelativeTime } from '../time/relative';
import { parseTimeZone, type TimeZone } from '../time/tz';

export interface SampleCheckpoint {
  /**
   * Epoch ms up to which the sample has generated: a live interval covers the time since the
   * previous one, up to its planned time; a backfill slice covers up to its end.
   */
  until: number;
  /** Intervals run so far (a backfill counts as one, as the engine counts it). */
  intervals: number;
  /** Events generated so far. */
  events: number;
  /** The sample reached its end (end = N intervals, an end time, or interval = 0 run once). */
  done?: boolean;
  /** When this record last changed (epoch ms). */
  updated: number;
  /** A non-queueable generator's own position (GeneratorRunIO.saveState), given back on restart. */
  state?: unknown;
}

interface FileShape {
  version: 1;
  stanza: string;
  samples: Record<string, SampleCheckpoint>;
}

export interface CheckpointLogger {
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** Records older than this are forgotten when the file is rewritten (the sample is long gone). */
const FORGET_AFTER_MS = 30 * 24 * 3600 * 1000;

/** File name for a stanza: readable, and unique even when two names sanitise alike. */
export function checkpointFileName(stanza: string): string {
  const readable = stanza.replace(/^[^:]*:\/\//, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  const hash = createHash('sha256').update(stanza).digest('hex').slice(0, 8);
  return `stanza-${readable}-${hash}.json`;
}

/** How a sample ends, so a record can say when it is done. */
interface Plan {
  readonly intervalMs: number;
  readonly endIntervals?: number;
  readonly endAt?: number;
  readonly runStart: number;
  sawBackfill: boolean;
}

export class CheckpointStore {
  readonly file: string;
  readonly #samples: Record<string, SampleCheckpoint>;
  readonly #plans = new Map<string, Plan>();
  #dirty = false;
  #timer?: NodeJS.Timeout;

  private constructor(file: string, readonly stanza: string, samples: Record<string, SampleCheckpoint>, private readonly log?: CheckpointLogger) {
    this.file = file;
    this.#samples = samples;
  }

  /**
   * Opens the stanza's file in `dir` (created when missing). A file that cannot be read is
   * kept aside as `<file>.corrupt` and the run starts without checkpoints, with a warning.
   */
  static open(dir: string, stanza: string, log?: CheckpointLogger): CheckpointStore {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, checkpointFileName(stanza));
    let samples: Record<string, SampleCheckpoint> = {};
    if (existsSync(file)) {
      try {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<FileShape>;
        if (parsed.version !== 1 || typeof parsed.samples !== 'object' || parsed.samples === null) throw new Error('unknown format');
        for (const [id, c] of Object.entries(parsed.samples)) {
          if (c && Number.isFinite(c.until) && Number.isFinite(c.intervals) && Number.isFinite(c.events)) samples[id] = c;
        }
      } catch (e) {
        log?.warn({ file, err: (e as Error).message }, 'The checkpoint file cannot be read; it is kept as .corrupt and generation starts without checkpoints.');
        try {
          renameSync(file, `${file}.corrupt`);
        } catch {
          // Nothing more to do: the next save overwrites it.
        }
        samples = {};
      }
    }
    return new CheckpointStore(file, stanza, samples, log);
  }

  get(sampleId: string): SampleCheckpoint | undefined {
    return this.#samples[sampleId];
  }

  /** Tells the store how a sample of this run ends, so {@link record} can mark it done. */
  track(sample: SampleSpec, now: number): void {
    // A bad `end` is the engine's to report; the store just does not mark the sample done.
    const end = sampleEnd(sample, now)?.end ?? {};
    this.#plans.set(sample.id, { intervalMs: Number(sample.settings.interval) * 1000, endIntervals: end.intervals, endAt: end.at, runStart: now, sawBackfill: false });
  }

  /** One interval of a sample was generated (the engine's onInterval). */
  record(sampleId: string, events: number, at: number, now = Date.now()): void {
    const prev = this.#samples[sampleId];
    const plan = this.#plans.get(sampleId);
    const c: SampleCheckpoint = prev ? { ...prev } : { until: at, intervals: 0, events: 0, updated: now };
    let until = at;
    if (plan && at < plan.runStart - 1) {
      // A backfill slice [at, at + interval], clamped to the run's start; the engine counts the
      // whole backfill as one interval.
      until = Math.min(at + (plan.intervalMs > 0 ? plan.intervalMs : plan.runStart - at), plan.runStart);
      if (!plan.sawBackfill) c.intervals++;
      plan.sawBackfill = true;
    } else {
      c.intervals++;
    }
    c.until = Math.max(prev?.until ?? -Infinity, until);
    c.events += events;
    c.updated = now;
    if (plan) {
      const noEnd = plan.endIntervals === undefined && plan.endAt === undefined;
      if (plan.endIntervals !== undefined && c.intervals >= plan.endIntervals) c.done = true;
      if (plan.endAt !== undefined && c.until + plan.intervalMs >= plan.endAt) c.done = true;
      if (plan.intervalMs === 0 && noEnd) c.done = true;
    }
    this.#samples[sampleId] = c;
    this.#dirty = true;
  }

  /** A non-queueable generator saved its position (the engine's onState). */
  saveState(sampleId: string, state: unknown, now = Date.now()): void {
    const c = this.#samples[sampleId] ?? { until: now, intervals: 0, events: 0, updated: now };
    this.#samples[sampleId] = { ...c, state, updated: now };
    this.#dirty = true;
  }

  /** Writes the file if anything changed: a temporary file, then an atomic rename. */
  save(now = Date.now()): void {
    if (!this.#dirty) return;
    for (const [id, c] of Object.entries(this.#samples)) if (now - c.updated > FORGET_AFTER_MS) delete this.#samples[id];
    const body: FileShape = { version: 1, stanza: this.stanza, samples: this.#samples };
    const tmp = `${this.file}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(body, null, 1) + '\n');
      renameSync(tmp, this.file);
      this.#dirty = false;
    } catch (e) {
      this.log?.warn({ file: this.file, err: (e as Error).message }, 'Could not write the checkpoint file; a restart may repeat or skip some intervals.');
    }
  }

  /** Saves every `ms` until {@link stop}. */
  autoSave(ms: number): void {
    this.#timer ??= setInterval(() => this.save(), ms);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.save();
  }
}

export interface CheckpointNote {
  level: 'info' | 'warn' | 'debug';
  sample: string;
  msg: string;
}

export interface ApplyOptions {
  /** Longest gap an endless sample without `backfill` catches up after a restart (default 24 h). */
  maxCatchUpMs?: number;
  /** Whether the sample's generator is queueable (scheduled by the engine). */
  isQueueable: (sample: SampleSpec) => boolean;
}

/**
 * Adjusts samples to their checkpoints (see the module comment). Samples without a checkpoint
 * run as configured. Returns the samples to run and what was decided, to log.
 */
export function applyCheckpoints(
  samples: readonly SampleSpec[],
  store: CheckpointStore,
  now: number,
  opts: ApplyOptions,
): { samples: SampleSpec[]; notes: CheckpointNote[] } {
  const out: SampleSpec[] = [];
  const notes: CheckpointNote[] = [];
  const maxCatchUp = opts.maxCatchUpMs ?? 24 * 3600 * 1000;
  for (const sample of samples) {
    const cp = store.get(sample.id);
    if (!cp) {
      out.push(sample);
      continue;
    }
    if (!opts.isQueueable(sample)) {
      // Its generator reads its own saved position (resumeState) and decides.
      notes.push(
        cp.state === undefined
          ? { level: 'debug', sample: sample.id, msg: `Sample ${sample.id} drives its own timing and saved no position; it starts from the beginning.` }
          : { level: 'info', sample: sample.id, msg: `Sample ${sample.id} continues from the position it saved before the restart.` },
      );
      out.push(sample);
      continue;
    }
    if (cp.done) {
      notes.push({ level: 'info', sample: sample.id, msg: `Sample ${sample.id} finished before the restart (${cp.intervals} intervals); it does not run again. Remove ${store.file} to run it again.` });
      continue;
    }
    const s = sample.settings;
    const read = sampleEnd(sample, now);
    if (!read) {
      out.push(sample); // the engine reports the bad `end` or `timezone`
      continue;
    }
    const { end, tz } = read;
    const settings: Record<string, unknown> = { ...s };
    if (end.intervals !== undefined) {
      // A fixed number of intervals: run what is left; catching up would count twice.
      const left = end.intervals - cp.intervals;
      if (left <= 0) {
        notes.push({ level: 'info', sample: sample.id, msg: `Sample ${sample.id} already ran its ${end.intervals} intervals before the restart; it does not run again.` });
        continue;
      }
      settings.end = String(left);
      delete settings.backfill;
      notes.push({ level: 'info', sample: sample.id, msg: `Sample ${sample.id} resumes: ${left} of its ${end.intervals} intervals are left.` });
      out.push({ ...sample, settings });
      continue;
    }
    if (end.at !== undefined && end.at <= now) {
      notes.push({ level: 'info', sample: sample.id, msg: `Sample ${sample.id}: its end time passed while eventgen was stopped; it does not run again.` });
      continue;
    }
    let from = cp.until;
    // Never reach further back than the configured backfill, or than maxCatchUp without one.
    let floor = now - maxCatchUp;
    if (s.backfill !== undefined) {
      const r = parseRelativeTime(String(s.backfill));
      if (r.resolve) floor = Math.min(floor, r.resolve(now, tz));
    }
    if (from < floor) {
      notes.push({ level: 'warn', sample: sample.id, msg: `Sample ${sample.id} was generated until ${new Date(cp.until).toISOString()}; only the time since ${new Date(floor).toISOString()} is caught up.` });
      from = floor;
    }
    if (from < now) {
      settings.backfill = (from / 1000).toFixed(3);
      notes.push({ level: 'info', sample: sample.id, msg: `Sample ${sample.id} catches up from ${new Date(from).toISOString()}, where it stopped before the restart.` });
    } else {
      delete settings.backfill;
      notes.push({ level: 'debug', sample: sample.id, msg: `Sample ${sample.id} resumes with no gap to catch up.` });
    }
    out.push({ ...sample, settings });
  }
  return { samples: out, notes };
}

/** The sample's `end` (and zone) as the engine reads them, or undefined when either is invalid. */
function sampleEnd(sample: SampleSpec, now: number): { end: EndSpec; tz: TimeZone } | undefined {
  const tz = parseTimeZone(String(sample.settings.timezone ?? 'local'));
  if (!tz) return undefined;
  try {
    return { end: parseEnd(sample.settings.end, now, tz), tz };
  } catch {
    return undefined;
  }
}
