/**
 * Splunk time modifiers, as used by earliest, latest and backfill.
 *
 * Accepted forms:
 *  - `now`;
 *  - relative chains of signed offsets and snaps applied left to right: `-15m`, `-1d@d`,
 *    `-1d@d+8h`, `@w1`, `+1mon@mon`; a missing number means 1 (`-d` = `-1d`);
 *  - ISO 8601 `2024-01-02`, `2024-01-02T03:04:05[.fff][Z|±hh:mm]` (a space may replace the T);
 *  - Splunk's `%m/%d/%Y:%H:%M:%S`;
 *  - epoch seconds, integer or fractional. A bare integer counts as an epoch only if it is `0`
 *    (Splunk's `earliest=0`, the start of time) or has 10 or more digits; a shorter number is
 *    rejected as ambiguous, since Splunk would read `3600` as 1970-01-01T01:00Z while the user
 *    almost certainly meant `-3600s`.
 * Absolute times without a zone, and all calendar arithmetic (d, w, mon, q, y offsets and
 * every snap), use the wall clock of the zone passed to `resolve`, so `@d` is that zone's
 * midnight and `-1d` keeps the wall-clock time across a DST change. Month, quarter and year
 * offsets clamp the day to the target month (Jan 31 +1mon → Feb 28 or 29).
 */
import {
  DAY_MS,
  daysInMonth,
  HOUR_MS,
  MINUTE_MS,
  newWallTime,
  offsetMinutesAt,
  SECOND_MS,
  splitWall,
  wallFromFields,
  wallToEpoch,
  type TimeZone,
  type WallTime,
} from './tz';

export interface RelativeTime {
  error?: string;
  resolve?: (nowMs: number, tz: TimeZone) => number;
}

type Unit = 's' | 'm' | 'h' | 'd' | 'w' | 'mon' | 'q' | 'y';

const UNITS: Record<string, Unit> = {};
const ALIASES: Record<Unit, string[]> = {
  s: ['s', 'sec', 'secs', 'second', 'seconds'],
  m: ['m', 'min', 'mins', 'minute', 'minutes'],
  h: ['h', 'hr', 'hrs', 'hour', 'hours'],
  d: ['d', 'day', 'days'],
  w: ['w', 'week', 'weeks'],
  mon: ['mon', 'month', 'months'],
  q: ['q', 'qtr', 'qtrs', 'quarter', 'quarters'],
  y: ['y', 'yr', 'yrs', 'year', 'years'],
};
for (const [unit, names] of Object.entries(ALIASES)) for (const n of names) UNITS[n] = unit as Unit;

const UNIT_HINT = '(use s, m, h, d, w, mon, q, y)';
const SNAP_HINT = '(use s, m, h, d, w, w0-w7, mon, q, y)';

type Step = { kind: 'offset'; amount: number; unit: Unit } | { kind: 'snap'; unit: Unit; weekday?: number };

type Parsed = { error: string } | { resolve: (nowMs: number, tz: TimeZone) => number; relative: boolean };

export function parseRelativeTime(s: string): RelativeTime {
  const p = parse(s);
  return 'error' in p ? { error: p.error } : { resolve: p.resolve };
}

/** True if the value is valid and depends on the current time (now, -15m, @d…). */
export function isRelativeToNow(s: string): boolean {
  const p = parse(s);
  return !('error' in p) && p.relative;
}

function parse(raw: string): Parsed {
  const s = raw.trim();
  const fail = (why?: string): Parsed => ({ error: `"${raw}" is not a Splunk time${why ? ': ' + why : ''}` });
  if (s === '') return fail('the value is empty');
  if (s.toLowerCase() === 'now') return { resolve: (now) => now, relative: true };
  if (/^[+\-@]/.test(s)) return parseChain(s, fail);
  if (/^\d+[a-z]+$/i.test(s)) return fail(`a relative time needs a sign: -${s} (in the past) or +${s} (in the future)`);

  const epoch = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (epoch) {
    if (!/^0+$/.test(epoch[1]) && epoch[1].length < 10) {
      return fail(`a bare number is ambiguous; write an epoch with 10 digits (or 0), or a relative time such as -${s}s`);
    }
    const ms = Number(epoch[1]) * 1000 + Number(((epoch[2] ?? '') + '000').slice(0, 3));
    return { resolve: () => ms, relative: false };
  }

  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i.exec(s);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = iso;
    return absolute(fail, +y, +mo, +d, +h, +mi, +sec, Number((frac + '000').slice(0, 3)), zone);
  }
  const splunk = /^(\d{1,2})\/(\d{1,2})\/(\d{4}):(\d{1,2}):(\d{2}):(\d{2})$/.exec(s);
  if (splunk) {
    const [, mo, d, y, h, mi, sec] = splunk;
    return absolute(fail, +y, +mo, +d, +h, +mi, +sec, 0, undefined);
  }
  return fail('use now, a relative time such as -15m or -1d@d, an epoch such as 1700000000, or a date such as 2024-01-02T03:04:05');
}

function absolute(
  fail: (why: string) => Parsed,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  zone: string | undefined,
): Parsed {
  if (month < 1 || month > 12) return fail(`month ${month} does not exist`);
  if (day < 1 || day > daysInMonth(year, month)) return fail(`day ${day} does not exist in ${year}-${String(month).padStart(2, '0')}`);
  if (hour > 23 || minute > 59 || second > 59) return fail('the time of day is out of range');
  const wall = wallFromFields(year, month, day, hour, minute, second, ms);
  if (zone === undefined) return { resolve: (_now, tz) => wallToEpoch(wall, tz), relative: false };
  const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  let offset = 0;
  if (z) {
    const hh = Number(z[2]);
    const mm = Number(z[3] ?? '0');
    if (hh > 23 || mm > 59) return fail(`the zone offset ${zone} is out of range`);
    offset = (z[1] === '-' ? -1 : 1) * (hh * 60 + mm);
  }
  const epoch = wall - offset * MINUTE_MS;
  return { resolve: () => epoch, relative: false };
}

/** Scans `[+-][n]unit` offsets and `@unit` snaps. */
function parseChain(s: string, fail: (why: string) => Parsed): Parsed {
  const steps: Step[] = [];
  const re = /([+-])(\d*)([a-z]*)|@([a-z]*)(\d*)/iy;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (m === null || m[0].length === 0) return fail(`unexpected "${s[pos]}"; write offsets like -15m and snaps like @d`);
    pos = re.lastIndex;
    if (m[1] !== undefined) {
      const [, sign, digits, unitName] = m;
      if (unitName === '' && pos < s.length && s[pos] !== '@' && s[pos] !== '+' && s[pos] !== '-') {
        return fail(`unexpected "${s[pos]}"; write offsets like -15m and snaps like @d`);
      }
      if (unitName === '') return fail(`missing unit after "${sign}${digits}" ${UNIT_HINT}`);
      const unit = UNITS[unitName.toLowerCase()];
      if (unit === undefined) return fail(`unknown unit "${unitName}" ${UNIT_HINT}`);
      const n = digits === '' ? 1 : Number(digits);
      if (!Number.isSafeInteger(n) || n > 1e7) return fail(`the offset ${digits} is too large`);
      steps.push({ kind: 'offset', amount: sign === '-' ? -n : n, unit });
    } else {
      const unitName = m[4];
      const digits = m[5];
      const unit = UNITS[unitName.toLowerCase()];
      if (unitName === '') return fail(`missing unit after "@" ${SNAP_HINT}`);
      if (unit === undefined) return fail(`unknown snap unit "${unitName}" ${SNAP_HINT}`);
      if (digits !== '' && unit !== 'w') return fail(`only @w takes a day number (@w0 to @w7)`);
      const weekday = digits === '' ? undefined : Number(digits);
      if (weekday !== undefined && weekday > 7) return fail(`@w${digits}: the weekday must be 0 to 7 (0 and 7 = Sunday)`);
      steps.push({ kind: 'snap', unit, weekday: weekday === undefined ? undefined : weekday % 7 });
    }
  }
  return {
    resolve: (now, tz) => {
      let t = now;
      for (const step of steps) t = step.kind === 'offset' ? applyOffset(t, tz, step.amount, step.unit) : snap(t, tz, step.unit, step.weekday ?? 0);
      return t;
    },
    relative: true,
  };
}

/** The wall-clock fields of `t` in `tz`, and the offset to prefer when converting back. */
function wallOf(t: number, tz: TimeZone): { wall: WallTime; offset: number } {
  const offset = offsetMinutesAt(tz, t);
  return { wall: splitWall(t + offset * MINUTE_MS, newWallTime()), offset };
}

const timeOfDay = (w: WallTime): number => w.hour * HOUR_MS + w.minute * MINUTE_MS + w.second * SECOND_MS + w.millisecond;

function applyOffset(t: number, tz: TimeZone, amount: number, unit: Unit): number {
  switch (unit) {
    case 's':
      return t + amount * SECOND_MS;
    case 'm':
      return t + amount * MINUTE_MS;
    case 'h':
      return t + amount * HOUR_MS;
    case 'd':
    case 'w': {
      const days = unit === 'w' ? amount * 7 : amount;
      const offset = offsetMinutesAt(tz, t);
      return wallToEpoch(t + offset * MINUTE_MS + days * DAY_MS, tz, offset);
    }
    default: {
      const months = amount * (unit === 'mon' ? 1 : unit === 'q' ? 3 : 12);
      const { wall, offset } = wallOf(t, tz);
      const index = wall.year * 12 + (wall.month - 1) + months;
      const year = Math.floor(index / 12);
      const month = index - year * 12 + 1;
      const day = Math.min(wall.day, daysInMonth(year, month));
      return wallToEpoch(wallFromFields(year, month, day) + timeOfDay(wall), tz, offset);
    }
  }
}

function snap(t: number, tz: TimeZone, unit: Unit, weekday: number): number {
  if (unit === 's') return Math.floor(t / SECOND_MS) * SECOND_MS;
  const { wall: w, offset } = wallOf(t, tz);
  let target: number;
  switch (unit) {
    case 'm':
      target = wallFromFields(w.year, w.month, w.day, w.hour, w.minute);
      break;
    case 'h':
      target = wallFromFields(w.year, w.month, w.day, w.hour);
      break;
    case 'd':
      target = wallFromFields(w.year, w.month, w.day);
      break;
    case 'w':
      // Back to the most recent given weekday, today included.
      target = wallFromFields(w.year, w.month, w.day) - ((w.weekday - weekday + 7) % 7) * DAY_MS;
      break;
    case 'mon':
      target = wallFromFields(w.year, w.month, 1);
      break;
    case 'q':
      target = wallFromFields(w.year, w.month - ((w.month - 1) % 3), 1);
      break;
    case 'y':
      target = wallFromFields(w.year, 1, 1);
      break;
  }
  return wallToEpoch(target, tz, offset);
}
