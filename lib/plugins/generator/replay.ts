/**
 * The `replay` generator (`mode = replay`): plays the sample back in its own time. Each event's
 * original time is read from the sample, the gaps between consecutive events are multiplied by
 * `timeMultiple`, and the events are emitted on that schedule with their times shifted so the
 * first event of the first pass falls at now.
 *
 * Non-queueable: it runs in order on its own timer (`run(io)`), sleeping through io.sleep so the
 * simulated clock (CLI --now, tests) replays a day in seconds.
 *
 * Timeline. Event k of a pass is due gap(0→1) + … + gap(k-1→k) after the pass starts (no
 * off-by-one: the original emitted the 2nd event at once and made event k wait gap(k-1)). A gap
 * that would be negative (a sample not in time order, e.g. a newest-first Splunk export) counts
 * as 0, as in the original. Pass p+1 starts `interval` seconds after the last event of pass p.
 * Events due at the same instant are emitted together, in one group.
 *
 * Times. Every `timestamp` and `replaytimestamp` token of an event shows the event's own shifted
 * time (the original froze all of them at the first event's time); other tokens are replaced as
 * in sample mode. Times are read and written in `timezone`.
 *
 * Where the original time comes from, per event: the `timeField` value (the `_raw` text, or a
 * CSV column such as `_time`) searched with each timestamp token's regex and read with its
 * replacement as a strptime format; for a CSV column, the whole value as epoch seconds or ISO
 * 8601; for a CSV with a `_time` column, that column likewise; finally, with `autotimestamp = true`
 * or when no timestamp token is configured, a built-in list of common timestamp shapes. Events
 * whose time cannot be read are skipped and reported once with their count; if none can be read
 * the sample stops with an error naming the stanza.
 *
 * `backfill`: the passes before now — the sample repeated backwards so that the last pass before
 * now ends `interval` before now — are emitted at once in time order from the first event at or
 * after the backfill start; no timestamp is in the future. Then the live passes follow, the
 * first starting at now. `end` counts live passes (or is a time: nothing due at or after it is
 * emitted, and the run ends at that time). `earliest` and `latest` do not apply in replay.
 */
import type { EventRecord, Generator, GeneratorPlugin, GeneratorRunIO, SampleSpec } from '../api';
import { PLUGIN_API_VERSION } from '../api';
import { compileSample, SampleSetupError, type CompiledSample } from './default';
import type { SampleEvent } from '../../samples/load';
import { nextSerial, type EventContext } from '../../tokens/replacers';
import { compileTokenRegex, render } from '../../tokens/template';
import { compileStrptime, type StrptimeFn } from '../../time/strptime';
import { parseRelativeTime } from '../../time/relative';
import type { TimeZone } from '../../time/tz';
import { parseEnd } from '../../engine/end';

/** Largest number of events handed to the output in one emit(). */
const MAX_GROUP = 5000;

/** After a restart, events due longer ago than this are skipped rather than caught up. */
const MAX_CATCH_UP_MS = 24 * 3600 * 1000;

/** Where a replay is, saved through io.saveState after each emit (see GeneratorRunIO). */
interface ReplayState {
  readonly v: 1;
  /** The first run's start: the timeline every later run continues. */
  readonly start: number;
  /** Live pass, and index of its next event to emit. */
  readonly pass: number;
  readonly next: number;
  /** Events emitted so far (integerid and seqfile tokens continue from it). */
  readonly eventIndex: number;
  /**
   * When that pass started, and the length of a pass then (sample span × timeMultiple +
   * interval): if an edit changed the length, the pass keeps its start and later ones use the
   * new length. Absent in states of the first release of this format.
   */
  readonly passStart?: number;
  readonly cycle?: number;
  /** The run had reached its end (informational: the end is judged again on resume). */
  readonly done?: boolean;
}

/** A saved state this sample can continue from, or undefined (first run, or a state that does not fit). */
function resumePoint(state: unknown, events: number): ReplayState | undefined {
  const st = state as Partial<ReplayState> | null | undefined;
  if (!st || st.v !== 1) return undefined;
  const ints = [st.start, st.pass, st.next, st.eventIndex, st.passStart ?? 0, st.cycle ?? 0];
  if (!ints.every((x) => Number.isSafeInteger(x) && (x as number) >= 0) || (st.next as number) > events) return undefined;
  return st as ReplayState;
}

interface TimeReader {
  readonly regex: RegExp;
  readonly parse: (text: string, tz: TimeZone, now: number) => number | undefined;
}

/** Reads `%s`-style epoch text: seconds, or milli/micro/nanoseconds when longer than 10 digits. */
function epochText(text: string): number | undefined {
  const m = /^\s*(-?\d+)(?:\.(\d+))?\s*$/.exec(text);
  if (!m) return undefined;
  const digits = m[1].replace('-', '');
  if (digits.length > 10 && m[2] === undefined) {
    // The original divided such values down to seconds (13-digit millisecond epochs and so on).
    return Number(m[1]) / 10 ** (digits.length - 13);
  }
  return Number(m[1]) * 1000 + Number(((m[2] ?? '') + '000').slice(0, 3)) * (m[1].startsWith('-') ? -1 : 1);
}

function strptimeReader(format: string): (text: string, tz: TimeZone, now: number) => number | undefined {
  if (format.trim() === '%s') return (text) => epochText(text);
  let fn: StrptimeFn;
  try {
    fn = compileStrptime(format);
  } catch (e) {
    throw new SampleSetupError(`the timestamp format ${JSON.stringify(format)} cannot be used to read the sample's times: ${(e as Error).message}`);
  }
  return (text, tz, now) => {
    const t = fn(text, tz, now);
    if (t !== undefined) return t;
    // As the original did: a trailing +hhmm the format does not mention is cut off.
    const cut = /^(.*\S)\s?[+-]\d{4}$/.exec(text);
    return cut ? fn(cut[1], tz, now) : undefined;
  };
}

/**
 * Common timestamp shapes for autotimestamp (and as the last resort when no token says).
 * Compiled on first use, not when the plugin table loads (every thread loads it).
 */
let compiledAutoReaders: readonly TimeReader[] | undefined;
const autoReaders = (): readonly TimeReader[] => (compiledAutoReaders ??= (() => {
  const iso = compileStrptime('%Y-%m-%d %H:%M:%S.%f');
  const isoZ = compileStrptime('%Y-%m-%d %H:%M:%S.%f%z');
  const web = compileStrptime('%d/%b/%Y:%H:%M:%S.%f');
  const webZ = compileStrptime('%d/%b/%Y:%H:%M:%S.%f %z');
  const us = compileStrptime('%m/%d/%Y %H:%M:%S.%f');
  const syslog = compileStrptime('%b %d %H:%M:%S');
  return [
    {
      // 2024-01-02T03:04:05[.fff][Z|±hh[:]mm] and the same with a space
      regex: /(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,6}))?\s?(Z|[+-]\d{2}:?\d{2})?/,
      parse: (text, tz, now) => {
        const m = /(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,6}))?\s?(Z|[+-]\d{2}:?\d{2})?/.exec(text);
        if (!m) return undefined;
        const base = `${m[1]} ${m[2]}.${m[3] ?? '0'}`;
        return m[4] ? isoZ(base + m[4].replace(':', ''), tz, now) : iso(base, tz, now);
      },
    },
    {
      // 18/Aug/2015:16:28:54[.695] [-0700] (web access logs)
      regex: /(\d{2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(?:\s([+-]\d{4}))?/,
      parse: (text, tz, now) => {
        const m = /(\d{2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(?:\s([+-]\d{4}))?/.exec(text);
        if (!m) return undefined;
        const base = `${m[1]}.${m[2] ?? '0'}`;
        return m[3] ? webZ(`${base} ${m[3]}`, tz, now) : web(base, tz, now);
      },
    },
    {
      // 09-15-2012 22:22:18.226 and 09/15/2012 22:22:18 (Splunk's own logs, US dates)
      regex: /(\d{2})[-/](\d{2})[-/](\d{4}) (\d{2}:\d{2}:\d{2})(?:[.,](\d{1,6}))?/,
      parse: (text, tz, now) => {
        const m = /(\d{2})[-/](\d{2})[-/](\d{4}) (\d{2}:\d{2}:\d{2})(?:[.,](\d{1,6}))?/.exec(text);
        return m ? us(`${m[1]}/${m[2]}/${m[3]} ${m[4]}.${m[5] ?? '0'}`, tz, now) : undefined;
      },
    },
    {
      // Jan  4 20:00:00 (syslog; the year is the current one)
      regex: /\b([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}:\d{2}:\d{2})/,
      parse: (text, tz, now) => {
        const m = /\b([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}:\d{2}:\d{2})/.exec(text);
        return m ? syslog(`${m[1]} ${m[2].padStart(2, '0')} ${m[3]}`, tz, now) : undefined;
      },
    },
    {
      // an epoch (10 digits, optional fraction) at the start of the text
      regex: /^\s*(\d{10})(?:\.\d+)?\b/,
      parse: (text) => {
        const m = /^\s*(\d{10}(?:\.\d+)?)\b/.exec(text);
        return m ? epochText(m[1]) : undefined;
      },
    },
  ];
})());

const DIRECT_FORMAT_TEXTS = ['%Y-%m-%dT%H:%M:%S.%f%z', '%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M:%S.%f%z', '%Y-%m-%d %H:%M:%S%z', '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S,%f'];
let directFormats: StrptimeFn[] | undefined; // compiled on first use, like autoReaders

/** A whole CSV value as a time: epoch seconds (or ms…) or ISO 8601. */
function directTime(value: string, tz: TimeZone, now: number): number | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  const epoch = epochText(v);
  if (epoch !== undefined && /^\s*-?\d{9,}/.test(v)) return epoch;
  for (const f of (directFormats ??= DIRECT_FORMAT_TEXTS.map((f) => compileStrptime(f)))) {
    const t = f(v, tz, now);
    if (t !== undefined) return t;
  }
  return undefined;
}

export interface ReadTimesResult {
  /** Epoch ms per sample event; undefined where no time could be read. */
  readonly times: ReadonlyArray<number | undefined>;
  readonly unreadable: number;
  /** The first event whose time could not be read, shortened, for the message. */
  readonly example?: string;
}

/** Reads each sample event's original time (see the file comment for the order of attempts). */
export function readEventTimes(sample: SampleSpec, events: readonly SampleEvent[], tz: TimeZone, now: number): ReadTimesResult {
  const s = sample.settings;
  const timeField = String(s.timeField ?? '_raw');
  const readers: TimeReader[] = [];
  for (const t of sample.tokens) {
    if (t.replacementType !== 'timestamp' && t.replacementType !== 'replaytimestamp') continue;
    readers.push({ regex: compileTokenRegex(t.token), parse: strptimeReader(t.replacement) });
  }
  const auto = s.autotimestamp === true || readers.length === 0;

  const viaTokens = (text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    for (const r of readers) {
      r.regex.lastIndex = 0;
      const m = r.regex.exec(text);
      if (!m) continue;
      const found = m.length > 1 && m[1] !== undefined ? m[1] : m[0];
      const t = r.parse(found, tz, now);
      if (t !== undefined) return t;
    }
    return undefined;
  };
  const viaAuto = (text: string | undefined): number | undefined => {
    if (text === undefined || !auto) return undefined;
    for (const r of autoReaders()) if (r.regex.test(text)) {
      const t = r.parse(text, tz, now);
      if (t !== undefined) return t;
    }
    return undefined;
  };

  const times: Array<number | undefined> = [];
  let unreadable = 0;
  let example: string | undefined;
  for (const e of events) {
    const field = timeField === '_raw' ? e.raw : e.fields?.[timeField];
    let t = viaTokens(field);
    if (t === undefined && field !== undefined && timeField !== '_raw') t = directTime(field, tz, now);
    if (t === undefined && e.fields?._time !== undefined && timeField !== '_time') t = viaTokens(e.fields._time) ?? directTime(e.fields._time, tz, now);
    if (t === undefined) t = viaAuto(field) ?? (field !== e.raw ? viaAuto(e.raw) : undefined);
    if (t === undefined || !Number.isFinite(t)) {
      unreadable++;
      example ??= (field ?? e.raw).slice(0, 120);
      times.push(undefined);
    } else times.push(t);
  }
  return { times, unreadable, example };
}

interface ReplayEvent {
  /** Index into the compiled sample's events/templates. */
  readonly k: number;
  /** Due time relative to the start of its pass, ms. */
  readonly offset: number;
}

export class ReplayGenerator implements Generator {
  readonly sampleSize: number;
  readonly #sample: SampleSpec;
  readonly #c: CompiledSample;
  readonly #events: readonly ReplayEvent[];
  /** Time from the first to the last event of a pass, ms. */
  readonly #duration: number;
  readonly #values: string[];
  readonly #notes: string[] = [];

  constructor(sample: SampleSpec) {
    this.#sample = sample;
    const s = sample.settings;
    const multiple = Number(s.timeMultiple ?? 1);
    if (!Number.isFinite(multiple) || multiple <= 0) throw new SampleSetupError(`timeMultiple = ${JSON.stringify(s.timeMultiple)} must be greater than 0`);
    if (!sample.file) throw new SampleSetupError('replay needs a sample file, and none matches the stanza');
    this.#c = compileSample(sample);
    if (this.#c.events.length === 0) throw new SampleSetupError(`the sample ${sample.file} has no events`);
    const read = readEventTimes(sample, this.#c.events, this.#c.tz, Date.now());
    const kept: Array<{ k: number; t: number }> = [];
    read.times.forEach((t, k) => {
      if (t !== undefined) kept.push({ k, t });
    });
    const tokens = sample.tokens.filter((t) => t.replacementType === 'timestamp' || t.replacementType === 'replaytimestamp').map((t) => `token.${t.n} ${JSON.stringify(t.token)} → ${JSON.stringify(t.replacement)}`);
    const how = `${tokens.length ? tokens.join(', ') : 'no timestamp/replaytimestamp token'}${String(s.timeField) !== '_raw' ? `, timeField = ${String(s.timeField)}` : ''}`;
    if (kept.length === 0) {
      throw new SampleSetupError(`replay cannot read the time of any of the ${this.#c.events.length} events of ${sample.file} (${how}); for example ${JSON.stringify(read.example)}`);
    }
    if (read.unreadable > 0) {
      this.#notes.push(`replay skips ${read.unreadable} of ${this.#c.events.length} events of ${sample.file} whose time cannot be read (${how}); the first is ${JSON.stringify(read.example)}`);
    }
    let offset = 0;
    let backwards = 0;
    const events: ReplayEvent[] = [];
    for (let i = 0; i < kept.length; i++) {
      if (i > 0) {
        const gap = kept[i].t - kept[i - 1].t;
        if (gap < 0) backwards++;
        else offset += gap * multiple;
      }
      events.push({ k: kept[i].k, offset });
    }
    if (backwards > 0) {
      this.#notes.push(`${backwards} events of ${sample.file} are older than the event before them (the sample is not in time order); they are replayed with no gap`);
    }
    this.#events = events;
    this.#duration = offset;
    this.sampleSize = events.length;
    this.#values = new Array<string>(this.#c.tokens.length).fill('');
  }

  async run(io: GeneratorRunIO): Promise<void> {
    for (const n of this.#notes) io.log.warn(n);
    const s = this.#sample.settings;
    const tz = this.#c.tz;
    const resume = resumePoint(io.resumeState, this.#events.length);
    const delay = Number(s.delay ?? 0) * 1000;
    if (delay > 0 && !resume) await io.sleep(delay);
    if (io.signal.aborted) return;
    // A resumed run keeps the first run's timeline: same start, same passes, same end.
    const start = resume?.start ?? io.now();
    const end = parseEnd(s.end, start, tz);
    if (end.intervals === 0) return;
    const interval = Math.max(0, Number(s.interval ?? 0)) * 1000;
    let cycle = this.#duration + interval;
    if (cycle <= 0) {
      // Every event at the same instant and no pause: passes would pile up at one instant forever.
      cycle = 1000;
      if (end.intervals !== 1) io.log.warn('every event of the sample has the same time and interval = 0; passes are spaced 1 s apart');
    }
    let eventIndex = resume?.eventIndex ?? 0;
    const ectx: EventContext = { pivotMs: 0, latestMs: 0, eventIndex: 0, serial: 0, random: io.random, tz };
    const make = (ev: ReplayEvent, t: number): EventRecord => {
      ectx.pivotMs = t;
      ectx.latestMs = t;
      ectx.eventIndex = eventIndex++;
      ectx.serial = nextSerial();
      const e = this.#c.events[ev.k];
      const meta = this.#c.meta(e, io.random);
      return { raw: render(this.#c.templates[ev.k], this.#c.tokens, ectx, this.#values), time: t / 1000, ...meta };
    };

    // Backfill: history up to now, at once and in time order (once: not again on a resume).
    if (!resume && s.backfill !== undefined && s.backfill !== null && String(s.backfill).trim() !== '') {
      const r = parseRelativeTime(String(s.backfill));
      if (!r.resolve) throw new SampleSetupError(`backfill = ${JSON.stringify(s.backfill)}: ${r.error}`);
      const from = r.resolve(start, tz);
      const until = Math.min(start, end.at ?? Infinity);
      if (from < until) {
        const passes = Math.ceil((start - from) / cycle);
        let group: EventRecord[] = [];
        for (let p = -passes; p < 0 && !io.signal.aborted; p++) {
          const passStart = start + p * cycle;
          for (const ev of this.#events) {
            const t = passStart + ev.offset;
            if (t < from || t > until || (end.at !== undefined && t >= end.at)) continue;
            group.push(make(ev, t));
            if (group.length >= MAX_GROUP) {
              await io.emit(group);
              group = [];
            }
          }
        }
        if (group.length) await io.emit(group);
      }
    }

    const evs = this.#events;
    // Pass p starts at base + p × cycle: the first run's start, or — after a restart — the saved
    // pass's own start, so a pass length changed by an edit only moves the passes after it.
    const base = resume?.passStart !== undefined ? resume.passStart - resume.pass * cycle : start;
    const save = (pass: number, next: number, done = false): void =>
      io.saveState({ v: 1, start, pass, next, eventIndex, passStart: base + pass * cycle, cycle, ...(done ? { done } : {}) } satisfies ReplayState);
    // After a restart the events due while eventgen was stopped go out at once (as a backfill
    // would), but only those of the last MAX_CATCH_UP_MS; older ones are skipped. A replay that
    // had reached its end stays there, unless an edit moved the end.
    let firstPass = resume?.pass ?? 0;
    let firstNext = resume?.next ?? 0;
    const catchUpFrom = resume ? io.now() - MAX_CATCH_UP_MS : -Infinity;
    if (resume && base + (firstPass + 1) * cycle <= catchUpFrom) {
      const skipTo = Math.floor((catchUpFrom - base) / cycle);
      io.log.warn({ passes: skipTo - firstPass }, `The replay was stopped for more than ${MAX_CATCH_UP_MS / 3_600_000} h; only the last ${MAX_CATCH_UP_MS / 3_600_000} h are caught up.`);
      [firstPass, firstNext] = [skipTo, 0];
    }
    for (let pass = firstPass; !io.signal.aborted; pass++) {
      if (end.intervals !== undefined && pass >= end.intervals) return save(pass, 0, true);
      const passStart = base + pass * cycle;
      let i = pass === firstPass ? firstNext : 0;
      while (i < evs.length && passStart + evs[i].offset < catchUpFrom) i++;
      while (i < evs.length) {
        const due = passStart + evs[i].offset;
        if (end.at !== undefined && due >= end.at) {
          // Stop on time: the run ends at `end`, not at the last event before it.
          const wait = end.at - io.now();
          if (wait > 0) await io.sleep(wait);
          if (!io.signal.aborted) save(pass, i, true);
          return;
        }
        const wait = due - io.now();
        if (wait > 0) await io.sleep(wait);
        if (io.signal.aborted) return;
        // Everything due by now goes out together (events at one instant, or catching up).
        const now = io.now();
        const group: EventRecord[] = [];
        while (i < evs.length && group.length < MAX_GROUP) {
          const t = passStart + evs[i].offset;
          if (t > now || (end.at !== undefined && t >= end.at)) break;
          group.push(make(evs[i], t));
          i++;
        }
        await io.emit(group);
        save(pass, i);
      }
      if (end.intervals !== undefined && pass + 1 >= end.intervals) return save(pass + 1, 0, true);
      // The pause after the pass: the next pass starts `interval` after this pass's last event.
    }
  }
}

const plugin: GeneratorPlugin = {
  kind: 'generator',
  name: 'replay',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Replay mode: the sample\'s events on their original time gaps (× timeMultiple), shifted to now.',
  queueable: false,
  needsSampleFile: true,
  create: (sample) => new ReplayGenerator(sample),
};
export default plugin;
