/**
 * Python-style `strptime` for replay mode: reads a timestamp already cut out of an event.
 *
 * Like Python's `_strptime`, the format is compiled once into an anchored, case-insensitive
 * RegExp (so `%H%M` on "0930" backtracks the same way) and the whole text must match.
 * Whitespace in the format matches one or more whitespace characters.
 *
 * Field rules (Python's unless noted):
 *  - no year in the format → the current year of `now` in the zone (the original Eventgen
 *    turned Python's default 1900 into the current year);
 *  - `%y` 69–99 → 19xx, 00–68 → 20xx; `%I` without `%p` reads 12 as 0; `%j` sets the date;
 *  - `%f` takes 1–6 digits as a fraction of a second; the result has millisecond resolution;
 *  - seconds 60 and 61 (leap seconds) read as 59 instead of failing the event;
 *  - `%a`/`%A`/`%u`/`%w` are checked for shape and otherwise ignored;
 *  - `%b`, `%B` and `%h` all accept both full and abbreviated English month names;
 *  - `%z` and `%Z` accept UTC, GMT, Z, ±hhmm and ±hh:mm and then decide the instant; `%Z` also
 *    accepts other alphabetic abbreviations (EST, CEST…), which are ignored, so the text is
 *    read in `tz` (Python would reject them and the event would be skipped);
 *  - `%s` is epoch seconds, optionally fractional and negative (not in Python; the original
 *    special-cased it); it decides the instant on its own.
 * Without `%z`/`%Z`-offset/`%s`, the text is wall-clock time in `tz`.
 * An unsupported directive makes compileStrptime throw, as Python raises for a bad directive.
 */
import {
  DAY_MS,
  daysFromCivil,
  daysInMonth,
  isLeapYear,
  MINUTE_MS,
  newWallTime,
  splitWall,
  toWallTime,
  wallFromFields,
  wallToEpoch,
  type TimeZone,
} from './tz';

export type StrptimeFn = (text: string, tz: TimeZone, now?: number) => number | undefined;

interface Fields {
  year?: number;
  shortYear?: number;
  month: number;
  day: number;
  yearDay?: number;
  hour: number;
  hour12?: number;
  pm?: boolean;
  minute: number;
  second: number;
  micro: number;
  offset?: number;
  epochMs?: number;
}

type Setter = (f: Fields, text: string) => void;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTH_NUMBER = new Map<string, number>();
MONTHS.forEach((m, i) => {
  MONTH_NUMBER.set(m, i + 1);
  MONTH_NUMBER.set(m.slice(0, 3), i + 1);
});
// Full names first so that the alternation prefers "march" over "mar" + "ch".
const MONTH_RE = [...MONTHS, ...MONTHS.map((m) => m.slice(0, 3))].join('|');
const DAY_RE = [...DAYS, ...DAYS.map((d) => d.slice(0, 3))].join('|');
const OFFSET_RE = '[+-]\\d\\d(?::?[0-5]\\d)?';

const num = (s: string): number => Number(s.trim());

/** Parses UTC/GMT/Z/±hh[[:]mm]; undefined for anything else (an ignored abbreviation). */
function parseOffset(s: string): number | undefined {
  const lower = s.toLowerCase();
  if (lower === 'z' || lower === 'utc' || lower === 'gmt' || lower === 'ut') return 0;
  const m = /^([+-])(\d\d)(?::?(\d\d))?$/.exec(s);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + (m[3] === undefined ? 0 : Number(m[3]));
  return m[1] === '-' ? -minutes : minutes;
}

/** Epoch seconds text → epoch ms, without the float error of parseFloat(x) * 1000. */
function epochSecondsToMs(s: string): number {
  const negative = s.startsWith('-');
  const [whole, frac = ''] = (negative ? s.slice(1) : s).split('.');
  const ms = Number(whole) * 1000 + Number((frac + '000').slice(0, 3));
  return negative ? -ms : ms;
}

/** Regex source (one capture group, or none) and what to do with the capture. */
const DIRECTIVES: Record<string, [string, Setter | undefined]> = {
  Y: ['(\\d{4})', (f, s) => { f.year = num(s); }],
  y: ['(\\d\\d)', (f, s) => { f.shortYear = num(s); }],
  m: ['(1[0-2]|0[1-9]|[1-9])', (f, s) => { f.month = num(s); }],
  b: [`(${MONTH_RE})`, (f, s) => { f.month = MONTH_NUMBER.get(s.toLowerCase()) ?? 1; }],
  d: ['(3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])', (f, s) => { f.day = num(s); }],
  j: ['(36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9])', (f, s) => { f.yearDay = num(s); }],
  H: ['(2[0-3]|[01]\\d|\\d)', (f, s) => { f.hour = num(s); }],
  k: ['(2[0-3]|1\\d| ?\\d)', (f, s) => { f.hour = num(s); }],
  I: ['(1[0-2]|0[1-9]|[1-9])', (f, s) => { f.hour12 = num(s); }],
  l: ['(1[0-2]| ?[1-9])', (f, s) => { f.hour12 = num(s); }],
  p: ['(am|pm)', (f, s) => { f.pm = s.toLowerCase() === 'pm'; }],
  M: ['([0-5]\\d|\\d)', (f, s) => { f.minute = num(s); }],
  S: ['(6[01]|[0-5]\\d|\\d)', (f, s) => { f.second = Math.min(num(s), 59); }],
  f: ['(\\d{1,6})', (f, s) => { f.micro = Number((s + '00000').slice(0, 6)); }],
  z: [`(z|utc|gmt|${OFFSET_RE})`, (f, s) => { f.offset = parseOffset(s); }],
  Z: [`(${OFFSET_RE}|[a-z]{1,6})`, (f, s) => { f.offset = parseOffset(s); }],
  s: ['(-?\\d+(?:\\.\\d+)?)', (f, s) => { f.epochMs = epochSecondsToMs(s); }],
  a: [`(?:${DAY_RE})`, undefined],
  u: ['[1-7]', undefined],
  w: ['[0-6]', undefined],
  n: ['\\s*', undefined],
  t: ['\\s*', undefined],
  '%': ['%', undefined],
};
DIRECTIVES.B = DIRECTIVES.b;
DIRECTIVES.h = DIRECTIVES.b;
DIRECTIVES.A = DIRECTIVES.a;
DIRECTIVES.e = DIRECTIVES.d;

const COMPOSITE: Record<string, string> = {
  c: '%a %b %d %H:%M:%S %Y',
  D: '%m/%d/%y',
  F: '%Y-%m-%d',
  r: '%I:%M:%S %p',
  R: '%H:%M',
  T: '%H:%M:%S',
  x: '%m/%d/%y',
  X: '%H:%M:%S',
};

const escapeLiteral = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function translate(format: string, setters: Setter[]): string {
  let source = '';
  let i = 0;
  while (i < format.length) {
    const ch = format[i];
    if (/\s/.test(ch)) {
      while (i < format.length && /\s/.test(format[i])) i++;
      source += '\\s+';
      continue;
    }
    if (ch !== '%') {
      source += escapeLiteral(ch);
      i++;
      continue;
    }
    const spec = format[i + 1];
    if (spec === undefined) throw new Error(`strptime format "${format}" ends with a stray %`);
    i += 2;
    if (COMPOSITE[spec] !== undefined) {
      source += translate(COMPOSITE[spec], setters);
      continue;
    }
    const directive = DIRECTIVES[spec];
    if (directive === undefined) throw new Error(`strptime format "${format}": %${spec} is not supported for parsing`);
    source += directive[0];
    if (directive[1]) setters.push(directive[1]);
  }
  return source;
}

/** Compiles a format once; the returned parser gives epoch ms, or undefined if the text does not match. */
export function compileStrptime(format: string): StrptimeFn {
  const setters: Setter[] = [];
  const re = new RegExp('^' + translate(format, setters) + '$', 'i');
  return (text, tz, now) => {
    const m = re.exec(text);
    if (m === null) return undefined;
    const f: Fields = { month: 1, day: 1, hour: 0, minute: 0, second: 0, micro: 0 };
    for (let i = 0; i < setters.length; i++) setters[i](f, m[i + 1]);
    return resolveFields(f, tz, now);
  };
}

function resolveFields(f: Fields, tz: TimeZone, now: number | undefined): number | undefined {
  const ms = Math.floor(f.micro / 1000);
  if (f.epochMs !== undefined) return f.epochMs + ms;

  let year: number;
  if (f.year !== undefined) year = f.year;
  else if (f.shortYear !== undefined) year = f.shortYear + (f.shortYear <= 68 ? 2000 : 1900);
  else year = toWallTime(now ?? Date.now(), tz).year;

  let month = f.month;
  let day = f.day;
  if (f.yearDay !== undefined) {
    if (f.yearDay > (isLeapYear(year) ? 366 : 365)) return undefined;
    const date = splitWall((daysFromCivil(year, 1, 1) + f.yearDay - 1) * DAY_MS, newWallTime());
    month = date.month;
    day = date.day;
  }
  if (day > daysInMonth(year, month)) return undefined; // e.g. Feb 30, or Feb 29 in a common year

  let hour = f.hour;
  if (f.hour12 !== undefined) hour = (f.hour12 % 12) + (f.pm ? 12 : 0);

  const wall = wallFromFields(year, month, day, hour, f.minute, f.second, ms);
  if (f.offset !== undefined) return wall - f.offset * MINUTE_MS;
  return wallToEpoch(wall, tz);
}
