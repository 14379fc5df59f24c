/**
 * Per-sample metrics for Splunk: every period, one JSON line per sample that produced something,
 * with the events and bytes written for it, into `$SPLUNK_HOME/var/log/splunk/eventgen-metrics.log`.
 * splunkd's default `[monitor://$SPLUNK_HOME/var/log/splunk]` indexes that file into `_internal`;
 * default/props.conf gives it the sourcetype `eventgen:metrics`, which the app's dashboard charts.
 *
 * Numbers come from the output runners: in Splunk mode every sample writing to the modular input
 * has a runner of its own, so its events and bytes (XML framing included: what splunkd reads) are
 * exact. Samples that share a runner (several samples into one file) get the runner's events
 * split by what each generated, and bytes in proportion (`"shared": true` on the line).
 *
 * The file is size-capped: it rotates to `.1` … `.N` like Splunk's own logs.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RunnerMetricsSource {
  readonly metrics: { readonly events: number; readonly bytes: number };
}

export interface MetricsSample {
  readonly id: string;
  readonly app?: string;
  readonly stanza: string;
  /** The engine's key of the output runner the sample writes through. */
  readonly outputKey: string;
}

export interface MetricsOptions {
  /** Where lines go; undefined keeps the numbers in memory only (totals still work). */
  readonly file?: string;
  readonly periodMs: number;
  /** The input stanza, on every line. */
  readonly input?: string;
  readonly maxBytes?: number;
  readonly backups?: number;
  readonly now?: () => number;
}

export interface SampleTotals {
  events: number;
  bytes: number;
  generated: number;
}

/**
 * A line-oriented log file that rotates at `maxBytes` (`file` → `file.1` → … → `file.<backups>`).
 * Writes are synchronous appends of whole lines, so a crash never leaves half a line.
 */
export class RotatingFile {
  #fd?: number;
  #size = 0;

  constructor(readonly path: string, readonly maxBytes = 10 * 1024 * 1024, readonly backups = 3) {}

  write(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (this.#fd === undefined) this.#open();
    if (this.#size > 0 && this.#size + bytes > this.maxBytes) {
      this.close();
      rotate(this.path, this.backups);
      this.#open();
    }
    writeSync(this.#fd!, line);
    this.#size += bytes;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #open(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    this.#fd = openSync(this.path, 'a');
    this.#size = fstatSync(this.#fd).size;
  }
}

/** Shifts `file.(n-1)` → `file.n` … `file` → `file.1`, dropping the oldest. */
export function rotate(path: string, backups: number): void {
  if (backups <= 0) {
    if (existsSync(path)) unlinkSync(path);
    return;
  }
  for (let i = backups - 1; i >= 1; i--) {
    if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
  }
  if (existsSync(path)) renameSync(path, `${path}.1`);
}

/** Rotates `path` now if it is larger than `maxBytes` (for logs written by other writers). */
export function rotateIfLarger(path: string, maxBytes: number, backups: number): boolean {
  try {
    if (!existsSync(path) || statSync(path).size <= maxBytes) return false;
    rotate(path, backups);
    return true;
  } catch {
    return false;
  }
}

export class SampleMetrics {
  readonly #opts: MetricsOptions;
  readonly #file?: RotatingFile;
  readonly #samples: readonly MetricsSample[];
  readonly #byOutput = new Map<string, MetricsSample[]>();
  /** Generated events per sample since the last report. */
  readonly #generated = new Map<string, number>();
  /** Runner counters at the last report. */
  readonly #last = new Map<string, { events: number; bytes: number }>();
  readonly #totals = new Map<string, SampleTotals>();
  #lastReport: number;
  #timer?: NodeJS.Timeout;
  #runners: () => ReadonlyMap<string, RunnerMetricsSource> = () => new Map();
  /** Set when writing failed once; metrics then stay in memory. */
  writeError?: Error;

  constructor(samples: readonly MetricsSample[], opts: MetricsOptions) {
    this.#opts = opts;
    this.#samples = samples;
    for (const s of samples) {
      const list = this.#byOutput.get(s.outputKey) ?? [];
      list.push(s);
      this.#byOutput.set(s.outputKey, list);
      this.#totals.set(s.id, { events: 0, bytes: 0, generated: 0 });
    }
    if (opts.file) this.#file = new RotatingFile(opts.file, opts.maxBytes, opts.backups);
    this.#lastReport = this.#now();
  }

  #now(): number {
    return this.#opts.now?.() ?? Date.now();
  }

  /** The engine's onInterval: events generated for a sample. */
  onInterval(sampleId: string, events: number): void {
    this.#generated.set(sampleId, (this.#generated.get(sampleId) ?? 0) + events);
  }

  /** Reports every period from now on, reading the engine's runners. */
  start(runners: () => ReadonlyMap<string, RunnerMetricsSource>): void {
    this.#runners = runners;
    this.#timer ??= setInterval(() => this.report(), this.#opts.periodMs);
    this.#timer.unref();
  }

  /** Stops the timer and writes the last period. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.report();
    this.#file?.close();
  }

  totals(): ReadonlyMap<string, SampleTotals> {
    return this.#totals;
  }

  /** Writes one line per sample with anything to report since the last call. */
  report(): void {
    const now = this.#now();
    const periodS = Math.max(0, (now - this.#lastReport) / 1000);
    this.#lastReport = now;
    const runners = this.#runners();
    const lines: string[] = [];
    const time = new Date(now).toISOString();
    for (const [key, samples] of this.#byOutput) {
      const r = runners.get(key)?.metrics;
      const prev = this.#last.get(key) ?? { events: 0, bytes: 0 };
      const dEvents = r ? r.events - prev.events : 0;
      const dBytes = r ? r.bytes - prev.bytes : 0;
      if (r) this.#last.set(key, { events: r.events, bytes: r.bytes });
      const shared = samples.length > 1;
      const generatedAll = samples.reduce((n, s) => n + (this.#generated.get(s.id) ?? 0), 0);
      for (const s of samples) {
        const generated = this.#generated.get(s.id) ?? 0;
        const share = !shared ? 1 : generatedAll > 0 ? generated / generatedAll : 0;
        const events = Math.round(dEvents * share);
        const bytes = Math.round(dBytes * share);
        const t = this.#totals.get(s.id)!;
        t.events += events;
        t.bytes += bytes;
        t.generated += generated;
        if (events === 0 && bytes === 0 && generated === 0) continue;
        const line: Record<string, unknown> = {
          time, level: 'INFO', component: 'metrics', input: this.#opts.input, app: s.app, stanza: s.stanza, sample: s.id,
          output: key, events, bytes, generated, period_s: Number(periodS.toFixed(3)),
        };
        if (shared) line.shared = true;
        lines.push(JSON.stringify(line) + '\n');
      }
    }
    for (const s of this.#samples) this.#generated.delete(s.id);
    if (!this.#file || this.writeError || lines.length === 0) return;
    try {
      for (const l of lines) this.#file.write(l);
    } catch (e) {
      this.writeError = e as Error;
    }
  }
}
