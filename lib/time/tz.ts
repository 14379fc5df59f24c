/**
 * Time zones and wall-clock arithmetic shared by strftime, strptime and relative times.
 *
 * Conventions used by every module in lib/time:
 *  - an instant is epoch milliseconds (a number);
 *  - an offset is in minutes EAST of UTC (+0530 → 330, -0100 → -60), the opposite sign of
 *    Date#getTimezoneOffset;
 *  - a "wall" value is the wall-clock reading in some zone encoded as if it were UTC epoch ms
 *    (wall = epoch + offset). Calendar maths happens on wall values with the pure civil-date
 *    functions below, so no Date objects are allocated in hot paths.
 */

export type TimeZone = { kind: 'local' } | { kind: 'fixed'; offsetMinutes: number };

export const LOCAL: TimeZone = Object.freeze({ kind: 'local' });
export const UTC: TimeZone = Object.freeze({ kind: 'fixed', offsetMinutes: 0 });

export const SECOND_MS = 1000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * Accepts `local`, `UTC`/`GMT`/`Z`, and offsets `+0530`, `-0100`, `+05:30`, `+05`.
 * An unsigned `0530` is accepted too, because the original Eventgen parsed the setting with int().
 */
export function parseTimeZone(s: string): TimeZone | undefined {
  const t = s.trim();
  const lower = t.toLowerCase();
  if (lower === 'local') return LOCAL;
  if (lower === 'utc' || lower === 'gmt' || lower === 'z') return UTC;
  const m = /^([+-]?)(\d{2})(?::?(\d{2}))?$/.exec(t);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = m[3] === undefined ? 0 : Number(m[3]);
  if (hours > 23 || minutes > 59) return undefined;
  const total = hours * 60 + minutes;
  return fixedZone(m[1] === '-' ? -total : total);
}

export function fixedZone(offsetMinutes: number): TimeZone {
  return offsetMinutes === 0 ? UTC : { kind: 'fixed', offsetMinutes };
}

/** `+hhmm` (or `+hh:mm` with a separator); the form %z and the `timezone` setting use. */
export function formatOffset(offsetMinutes: number, separator = ''): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.round(Math.abs(offsetMinutes));
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return sign + (h < 10 ? '0' : '') + h + separator + (m < 10 ? '0' : '') + m;
}

export function offsetMinutesAt(tz: TimeZone, epochMs: number): number {
  return tz.kind === 'fixed' ? tz.offsetMinutes : localOffsetMinutes(epochMs);
}

// The process zone's offset, cached per UTC hour in a small direct-mapped table: the
// generator asks for it once per event and Date#getTimezoneOffset is comparatively slow.
// An hour is cached only if the offset is the same at both its ends, so zones whose DST
// change falls mid-hour (e.g. Australia/Lord_Howe) stay exact.
const LOCAL_SLOTS = 32;
const MIXED = 1e9;
const localHour = new Float64Array(LOCAL_SLOTS).fill(NaN);
const localOffset = new Float64Array(LOCAL_SLOTS);

function exactLocalOffset(epochMs: number): number {
  const west = new Date(epochMs).getTimezoneOffset();
  return west === 0 ? 0 : -west; // avoid -0
}

function localOffsetMinutes(epochMs: number): number {
  if (!Number.isFinite(epochMs)) return 0;
  const hour = Math.floor(epochMs / HOUR_MS);
  const slot = hour & (LOCAL_SLOTS - 1);
  if (localHour[slot] !== hour) {
    const start = exactLocalOffset(hour * HOUR_MS);
    const end = exactLocalOffset(hour * HOUR_MS + HOUR_MS - 1);
    localHour[slot] = hour;
    localOffset[slot] = start === end ? start : MIXED;
  }
  const cached = localOffset[slot];
  return cached === MIXED ? exactLocalOffset(epochMs) : cached;
}

/** Forgets cached local offsets; only needed if process.env.TZ changes at runtime. */
export function resetLocalOffsetCache(): void {
  localHour.fill(NaN);
}

/**
 * The instant at which the wall clock in `tz` reads `wallMs`.
 * Ambiguous times (DST fall-back) resolve to the earlier instant, unless `preferOffset`
 * names one of the two valid offsets; times skipped by a DST gap move forward by the
 * gap (2:30 on a spring-forward night becomes 3:30), as JavaScript Date and mktime do.
 */
export function wallToEpoch(wallMs: number, tz: TimeZone, preferOffset?: number): number {
  if (tz.kind === 'fixed') return wallMs - tz.offsetMinutes * MINUTE_MS;
  if (preferOffset !== undefined) {
    const t = wallMs - preferOffset * MINUTE_MS;
    if (localOffsetMinutes(t) === preferOffset) return t;
  }
  // Offsets a day either side bracket any single transition near this wall time.
  const before = localOffsetMinutes(wallMs - DAY_MS);
  const after = localOffsetMinutes(wallMs + DAY_MS);
  const tBefore = wallMs - before * MINUTE_MS;
  const tAfter = wallMs - after * MINUTE_MS;
  const validBefore = localOffsetMinutes(tBefore) === before;
  const validAfter = localOffsetMinutes(tAfter) === after;
  if (validBefore && validAfter) return Math.min(tBefore, tAfter);
  if (validBefore) return tBefore;
  if (validAfter) return tAfter;
  // In a gap: use the offset in force before it, which lands after the gap.
  return tBefore;
}

// ---- civil calendar (proleptic Gregorian), after Howard Hinnant's days_from_civil ----

/** Days since 1970-01-01 for a calendar date; month is 1–12. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1];
}

/** A wall-clock reading broken into fields; reused as an out-parameter to avoid allocation. */
export interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  /** 1–366 */
  yearDay: number;
  /** offset of the zone at this instant, minutes east of UTC */
  offsetMinutes: number;
}

export function newWallTime(): WallTime {
  return { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0, weekday: 4, yearDay: 1, offsetMinutes: 0 };
}

/** Breaks a wall value (see file comment) into fields; offsetMinutes is left untouched. */
export function splitWall(wallMs: number, out: WallTime): WallTime {
  const days = Math.floor(wallMs / DAY_MS);
  let rest = wallMs - days * DAY_MS;
  out.hour = Math.floor(rest / HOUR_MS);
  rest -= out.hour * HOUR_MS;
  out.minute = Math.floor(rest / MINUTE_MS);
  rest -= out.minute * MINUTE_MS;
  out.second = Math.floor(rest / SECOND_MS);
  out.millisecond = Math.floor(rest - out.second * SECOND_MS);
  out.weekday = (((days + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday

  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  out.day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  out.month = mp < 10 ? mp + 3 : mp - 9;
  out.year = yoe + era * 400 + (out.month <= 2 ? 1 : 0);
  out.yearDay = days - daysFromCivil(out.year, 1, 1) + 1;
  return out;
}

/** The wall-clock fields of an instant in `tz`. */
export function toWallTime(epochMs: number, tz: TimeZone, out: WallTime = newWallTime()): WallTime {
  const offset = offsetMinutesAt(tz, epochMs);
  splitWall(epochMs + offset * MINUTE_MS, out);
  out.offsetMinutes = offset;
  return out;
}

/** The wall value for calendar fields; out-of-range time fields simply carry over. */
export function wallFromFields(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  return daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * SECOND_MS + ms;
}
