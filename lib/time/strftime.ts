/**
 * Python/glibc `strftime` with the C (English) locale, compiled once per format.
 *
 * A format is turned into literal strings interleaved with small directive functions;
 * formatting an instant is then one wall-time split plus string concatenation, with no
 * parsing or regex work per call. `CachedStrftime` adds a per-second memo for the
 * generator's hot path, where many events share a second.
 *
 * Differences from the original Eventgen (deliberate):
 *  - `%s` is the full integer epoch (the original stripped trailing zeros of the integer);
 *  - `%z`/`%Z` describe the configured zone (the original used naive datetimes, printing "");
 *  - `%Y` is zero-padded to 4 digits so that strptime can read it back.
 * Also supported, as glibc does: the flags `-` (no padding), `_` (space padding) and `0`
 * (zero padding) on numeric directives, `%P` (am/pm), and Python 3.12's `%:z` (+hh:mm).
 * An unknown directive is copied literally, like glibc.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, formatOffset, isLeapYear, newWallTime, offsetMinutesAt, splitWall, type TimeZone, type WallTime } from './tz';

export type StrftimeFn = (epochMs: number, tz: TimeZone) => string;

/** Everything a directive can look at; one per compiled format, refilled per call. */
interface Tm extends WallTime {
  epochMs: number;
  tz: TimeZone;
}

type Directive = (t: Tm) => string;

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAYS_ABBR = DAYS.map((d) => d.slice(0, 3));
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTHS_ABBR = MONTHS.map((m) => m.slice(0, 3));

const PAD2 = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);
const SPACE2 = Array.from({ length: 100 }, (_, i) => (i < 10 ? ' ' : '') + i);

function pad(n: number, width: number, fill: string): string {
  let s = String(Math.abs(n));
  while (s.length < width) s = fill + s;
  return n < 0 ? '-' + s : s;
}

// ---- values of numeric directives ----

const hour12 = (t: Tm): number => (t.hour % 12 === 0 ? 12 : t.hour % 12);
const mondayWeekday = (t: Tm): number => (t.weekday + 6) % 7; // 0 = Monday

/** ISO 8601 week-numbering year and week, via the Thursday of the current week. */
function isoWeek(t: Tm): { year: number; week: number } {
  let year = t.year;
  let thursday = t.yearDay - 1 - mondayWeekday(t) + 3; // 0-based day of year
  if (thursday < 0) {
    year -= 1;
    thursday += isLeapYear(year) ? 366 : 365;
  } else if (thursday >= (isLeapYear(year) ? 366 : 365)) {
    thursday -= isLeapYear(year) ? 366 : 365;
    year += 1;
  }
  return { year, week: Math.floor(thursday / 7) + 1 };
}

/** [value, default width, default fill] of each numeric directive. */
const NUMERIC: Record<string, [(t: Tm) => number, number, string]> = {
  C: [(t) => Math.floor(t.year / 100), 2, '0'],
  d: [(t) => t.day, 2, '0'],
  e: [(t) => t.day, 2, ' '],
  G: [(t) => isoWeek(t).year, 4, '0'],
  g: [(t) => ((isoWeek(t).year % 100) + 100) % 100, 2, '0'],
  H: [(t) => t.hour, 2, '0'],
  I: [hour12, 2, '0'],
  j: [(t) => t.yearDay, 3, '0'],
  k: [(t) => t.hour, 2, ' '],
  l: [hour12, 2, ' '],
  m: [(t) => t.month, 2, '0'],
  M: [(t) => t.minute, 2, '0'],
  S: [(t) => t.second, 2, '0'],
  u: [(t) => mondayWeekday(t) + 1, 1, '0'],
  U: [(t) => Math.floor((t.yearDay - 1 + 7 - t.weekday) / 7), 2, '0'],
  V: [(t) => isoWeek(t).week, 2, '0'],
  w: [(t) => t.weekday, 1, '0'],
  W: [(t) => Math.floor((t.yearDay - 1 + 7 - mondayWeekday(t)) / 7), 2, '0'],
  y: [(t) => ((t.year % 100) + 100) % 100, 2, '0'],
  Y: [(t) => t.year, 4, '0'],
  // Floor, so that instants before 1970 still land in the second that contains them.
  s: [(t) => Math.floor(t.epochMs / 1000), 1, '0'],
};

function numericDirective(get: (t: Tm) => number, width: number, fill: string): Directive {
  // Most directives are 2-digit fields: a table lookup beats building the string.
  if (width === 2 && fill === '0') return (t) => { const v = get(t); return v >= 0 && v < 100 ? PAD2[v] : pad(v, 2, '0'); };
  if (width === 2 && fill === ' ') return (t) => { const v = get(t); return v >= 0 && v < 100 ? SPACE2[v] : pad(v, 2, ' '); };
  if (width <= 1) return (t) => String(get(t));
  return (t) => pad(get(t), width, fill);
}

/** The short name of the process zone (EST, CET…), or ±hhmm when ICU knows no abbreviation. */
const zoneNames = new Map<number, string>();
function localZoneName(epochMs: number, offset: number): string {
  let name = zoneNames.get(offset);
  if (name === undefined) {
    name = formatOffset(offset);
    if (offset === 0) name = 'UTC';
    for (const locale of ['en-US', 'en-GB']) {
      try {
        const parts = new Intl.DateTimeFormat(locale, { timeZoneName: 'short' }).formatToParts(new Date(epochMs));
        const found = parts.find((p) => p.type === 'timeZoneName')?.value;
        // "GMT+1" is ICU's fallback, not an abbreviation; plain "GMT" is a real one (London).
        if (found && (found === 'GMT' || !/^(GMT|UTC)[+-]/.test(found))) {
          name = found;
          break;
        }
      } catch {
        break; // no Intl: keep the numeric form
      }
    }
    zoneNames.set(offset, name);
  }
  return name;
}

const TEXT: Record<string, Directive> = {
  a: (t) => DAYS_ABBR[t.weekday],
  A: (t) => DAYS[t.weekday],
  b: (t) => MONTHS_ABBR[t.month - 1],
  h: (t) => MONTHS_ABBR[t.month - 1],
  B: (t) => MONTHS[t.month - 1],
  p: (t) => (t.hour < 12 ? 'AM' : 'PM'),
  P: (t) => (t.hour < 12 ? 'am' : 'pm'),
  f: (t) => pad(t.millisecond * 1000, 6, '0'),
  z: (t) => formatOffset(t.offsetMinutes),
  Z: (t) => {
    if (t.tz.kind === 'local') return localZoneName(t.epochMs, t.offsetMinutes);
    return t.offsetMinutes === 0 ? 'UTC' : formatOffset(t.offsetMinutes);
  },
};

/** Directives that are shorthand for a longer format (C locale definitions). */
const COMPOSITE: Record<string, string> = {
  c: '%a %b %e %H:%M:%S %Y',
  D: '%m/%d/%y',
  F: '%Y-%m-%d',
  r: '%I:%M:%S %p',
  R: '%H:%M',
  T: '%H:%M:%S',
  x: '%m/%d/%y',
  X: '%H:%M:%S',
};

const LITERAL: Record<string, string> = { '%': '%', n: '\n', t: '\t' };

type Token = { literal: string } | { directive: Directive; subsecond: boolean };

/** Splits a format into literal text and directives; composites are expanded in place. */
function tokenize(format: string, out: Token[] = []): Token[] {
  let text = '';
  let i = 0;
  while (i < format.length) {
    const ch = format[i];
    if (ch !== '%' || i + 1 >= format.length) {
      text += ch; // a trailing lone % is literal
      i++;
      continue;
    }
    const start = i;
    i++;
    let flag = '';
    if ('-_0'.includes(format[i]) && i + 1 < format.length) flag = format[i++];
    let spec = format[i++];
    if (spec === ':' && format[i] === 'z' && flag === '') {
      spec = ':z';
      i++;
    }
    const literal = LITERAL[spec];
    if (literal !== undefined && flag === '') {
      text += literal;
      continue;
    }
    const directive = lookupDirective(spec, flag);
    if (directive === undefined && COMPOSITE[spec] !== undefined && flag === '') {
      if (text) out.push({ literal: text });
      text = '';
      tokenize(COMPOSITE[spec], out);
      continue;
    }
    if (directive === undefined) {
      text += format.slice(start, i); // unknown: keep it as written, like glibc
      continue;
    }
    if (text) out.push({ literal: text });
    text = '';
    out.push({ directive, subsecond: spec === 'f' });
  }
  if (text) out.push({ literal: text });
  return out;
}

function lookupDirective(spec: string, flag: string): Directive | undefined {
  const numeric = NUMERIC[spec];
  if (numeric) {
    const [get, width, fill] = numeric;
    if (flag === '-') return numericDirective(get, 1, '0');
    if (flag === '_') return numericDirective(get, width, ' ');
    if (flag === '0') return numericDirective(get, width, '0');
    return numericDirective(get, width, fill);
  }
  if (spec === ':z') return (t) => formatOffset(t.offsetMinutes, ':');
  return flag === '' ? TEXT[spec] : undefined;
}

/**
 * Compiles a strftime format. The returned function takes an instant and the zone to show it
 * in; epochMs may be fractional, but only whole milliseconds are shown (%f = ms × 1000).
 */
export function compileStrftime(format: string): StrftimeFn {
  return compileTokens(tokenize(format));
}

function compileTokens(tokens: readonly Token[]): StrftimeFn {
  // Layout: lits[0] + fns[0](t) + lits[1] + fns[1](t) + … + lits[n]. Two monomorphic arrays
  // keep the loop free of type checks.
  const lits: string[] = [''];
  const fns: Directive[] = [];
  for (const tok of tokens) {
    if ('literal' in tok) lits[lits.length - 1] += tok.literal;
    else {
      fns.push(tok.directive);
      lits.push('');
    }
  }
  if (fns.length === 0) {
    const constant = lits[0];
    return () => constant;
  }
  const tm = newWallTime() as Tm;
  tm.epochMs = 0;
  tm.tz = { kind: 'fixed', offsetMinutes: 0 };
  const n = fns.length;
  // Consecutive calls usually fall on the same day: only the time of day is then recomputed.
  let lastDay = NaN;
  return (epochMs, tz) => {
    const ms = Math.floor(epochMs);
    const offset = offsetMinutesAt(tz, ms);
    const wall = ms + offset * MINUTE_MS;
    const day = Math.floor(wall / DAY_MS);
    if (day === lastDay) {
      let rest = wall - day * DAY_MS;
      tm.hour = Math.floor(rest / HOUR_MS);
      rest -= tm.hour * HOUR_MS;
      tm.minute = Math.floor(rest / MINUTE_MS);
      rest -= tm.minute * MINUTE_MS;
      tm.second = Math.floor(rest / 1000);
      tm.millisecond = rest - tm.second * 1000;
    } else {
      splitWall(wall, tm);
      lastDay = day;
    }
    tm.offsetMinutes = offset;
    tm.epochMs = ms;
    tm.tz = tz;
    let out = lits[0];
    for (let i = 0; i < n; i++) out += fns[i](tm) + lits[i + 1];
    return out;
  };
}

/** Where writeBytes() writes: bytes, and %f's value as a zero-padded number. */
export interface ByteOut {
  bytes(b: Uint8Array): void;
  padded(v: number, width: number): void;
}

/** The tokens between the %f's, each run compiled on its own: %f sits between parts[i] and parts[i + 1]. */
function splitAtFraction(tokens: readonly Token[]): StrftimeFn[] {
  const parts: StrftimeFn[] = [];
  let run: Token[] = [];
  for (const t of tokens) {
    if ('subsecond' in t && t.subsecond) {
      parts.push(compileTokens(run));
      run = [];
    } else run.push(t);
  }
  parts.push(compileTokens(run));
  return parts;
}

/** True if the format shows anything finer than a second (only %f does). */
export function formatterUsesSubsecond(format: string): boolean {
  return tokenize(format).some((t) => 'subsecond' in t && t.subsecond);
}

/**
 * A strftime bound to one format and zone that remembers the text of the last 64 distinct
 * whole seconds (direct-mapped on the epoch second). Generated events mostly share a few
 * seconds per batch, so nearly every call is an array lookup. Formats with %f bypass it.
 *
 * Measured on the 2-vCPU dev box (Node 20), `%Y-%m-%d %H:%M:%S` in UTC: a repeated second
 * ≈ 110–165M formats/s; a new second on every call (cache miss) ≈ 4–5M/s. Reproduce with:
 *   npx tsc --outDir /tmp/eg-time --target es2022 --module commonjs lib/time/*.ts && node -e "
 *     const {CachedStrftime} = require('/tmp/eg-time/strftime'), {UTC} = require('/tmp/eg-time/tz');
 *     const c = new CachedStrftime('%Y-%m-%d %H:%M:%S', UTC), n = 5e7; let x = 0;
 *     const t0 = process.hrtime.bigint(); for (let i = 0; i < n; i++) x += c.format(1.7e12 + (i & 511)).length;
 *     console.log((n / (Number(process.hrtime.bigint() - t0) / 1e9) / 1e6).toFixed(1) + 'M/s', x > 0)"
 */
export class CachedStrftime {
  private static readonly SLOTS = 64;
  private readonly fn: StrftimeFn;
  private readonly subsecond: boolean;
  private readonly keys = new Float64Array(CachedStrftime.SLOTS).fill(NaN);
  private readonly values: string[] = new Array<string>(CachedStrftime.SLOTS).fill('');
  /** values[] as UTF-8, made when first asked for; and the last second asked for. */
  private readonly bytes: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(CachedStrftime.SLOTS).fill(undefined);
  private lastSec = NaN;
  private lastBytes: Uint8Array = new Uint8Array(0);
  /** Formats with %f: the formats between the %f's, and their UTF-8 text per second. */
  private readonly fracSplit: StrftimeFn[];
  private readonly fracKeys = new Float64Array(CachedStrftime.SLOTS).fill(NaN);
  private readonly fracParts: Uint8Array[][] = new Array<Uint8Array[]>(CachedStrftime.SLOTS).fill([]);

  constructor(
    readonly pattern: string,
    readonly tz: TimeZone,
  ) {
    this.fn = compileStrftime(pattern);
    this.subsecond = formatterUsesSubsecond(pattern);
    this.fracSplit = this.subsecond ? splitAtFraction(tokenize(pattern)) : [];
  }

  format(epochMs: number): string {
    if (this.subsecond) return this.fn(epochMs, this.tz);
    const sec = Math.floor(epochMs / 1000);
    const slot = sec & (CachedStrftime.SLOTS - 1);
    if (this.keys[slot] === sec) return this.values[slot];
    const text = this.fn(sec * 1000, this.tz);
    this.keys[slot] = sec;
    this.values[slot] = text;
    this.bytes[slot] = undefined;
    return text;
  }

  /**
   * Writes format(epochMs) as UTF-8 to `out`. Without %f: the cached bytes of the second. With
   * %f: the text around each %f is cached per second (64 seconds, like format()), and %f (ms ×
   * 1000, six digits; glibc has no flags for it) is written as digits, so no string is built.
   */
  writeBytes(epochMs: number, out: ByteOut): void {
    if (!this.subsecond) return out.bytes(this.formatBytes(epochMs));
    const ms = Math.floor(epochMs);
    const sec = Math.floor(ms / 1000);
    const slot = sec & (CachedStrftime.SLOTS - 1);
    if (this.fracKeys[slot] !== sec) {
      this.fracParts[slot] = this.fracSplit.map((f) => Buffer.from(f(sec * 1000, this.tz), 'utf8'));
      this.fracKeys[slot] = sec;
    }
    const parts = this.fracParts[slot];
    out.bytes(parts[0]);
    for (let i = 1; i < parts.length; i++) {
      out.padded((ms - sec * 1000) * 1000, 6);
      out.bytes(parts[i]);
    }
  }

  /** format() as UTF-8 bytes, cached with the string (the line fast path copies them). */
  formatBytes(epochMs: number): Uint8Array {
    if (this.subsecond) return Buffer.from(this.fn(epochMs, this.tz), 'utf8');
    const sec = Math.floor(epochMs / 1000);
    // Consecutive events mostly share a second: one comparison instead of the slot lookup.
    if (sec === this.lastSec) return this.lastBytes;
    const slot = sec & (CachedStrftime.SLOTS - 1);
    if (this.keys[slot] !== sec) this.format(epochMs);
    const b = (this.bytes[slot] ??= Buffer.from(this.values[slot], 'utf8'));
    this.lastSec = sec;
    this.lastBytes = b;
    return b;
  }
}
