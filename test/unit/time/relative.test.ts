import { isRelativeToNow, parseRelativeTime } from '../../../lib/time/relative';
import { LOCAL, UTC, fixedZone, type TimeZone } from '../../../lib/time/tz';

const MINUS1 = fixedZone(-60);
const PLUS0530 = fixedZone(330);
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number => Date.UTC(y, mo - 1, d, h, mi, s, ms);
const NOW = utc(2024, 1, 31, 13, 45, 30, 500); // a Wednesday

function at(s: string, now = NOW, tz: TimeZone = UTC): number {
  const r = parseRelativeTime(s);
  if (r.error !== undefined || r.resolve === undefined) throw new Error(`unexpected error for ${s}: ${r.error}`);
  return r.resolve(now, tz);
}
const iso = (s: string, now = NOW, tz: TimeZone = UTC): string => new Date(at(s, now, tz)).toISOString();
const errorOf = (s: string): string | undefined => parseRelativeTime(s).error;

describe('parseRelativeTime: offsets and snaps in UTC', () => {
  it.each([
    ['now', '2024-01-31T13:45:30.500Z'],
    ['NOW', '2024-01-31T13:45:30.500Z'],
    ['  -2h  ', '2024-01-31T11:45:30.500Z'],
    ['-30s', '2024-01-31T13:45:00.500Z'],
    ['+90s', '2024-01-31T13:47:00.500Z'],
    ['-15m@m', '2024-01-31T13:30:00.000Z'],
    ['-1d@d+8h', '2024-01-30T08:00:00.000Z'],
    ['+1d@d', '2024-02-01T00:00:00.000Z'],
    ['-d', '2024-01-30T13:45:30.500Z'],
    ['-1w', '2024-01-24T13:45:30.500Z'],
    ['@s', '2024-01-31T13:45:30.000Z'],
    ['@m', '2024-01-31T13:45:00.000Z'],
    ['@h', '2024-01-31T13:00:00.000Z'],
    ['@d', '2024-01-31T00:00:00.000Z'],
    ['@w', '2024-01-28T00:00:00.000Z'],
    ['@w0', '2024-01-28T00:00:00.000Z'],
    ['@w7', '2024-01-28T00:00:00.000Z'],
    ['@w1', '2024-01-29T00:00:00.000Z'],
    ['@w3', '2024-01-31T00:00:00.000Z'], // today is Wednesday: snap stays on today
    ['@w4', '2024-01-25T00:00:00.000Z'],
    ['@mon', '2024-01-01T00:00:00.000Z'],
    ['@q', '2024-01-01T00:00:00.000Z'],
    ['@y', '2024-01-01T00:00:00.000Z'],
    ['-1d@d-1h', '2024-01-29T23:00:00.000Z'],
    ['@d+8h+30m', '2024-01-31T08:30:00.000Z'],
    ['-1H', '2024-01-31T12:45:30.500Z'],
    ['@D', '2024-01-31T00:00:00.000Z'],
  ])('%s', (s, want) => {
    expect(iso(s)).toBe(want);
  });

  it('accepts every unit spelling', () => {
    const spellings: Record<string, string[]> = {
      s: ['s', 'sec', 'secs', 'second', 'seconds'],
      m: ['m', 'min', 'mins', 'minute', 'minutes'],
      h: ['h', 'hr', 'hrs', 'hour', 'hours'],
      d: ['d', 'day', 'days'],
      w: ['w', 'week', 'weeks'],
      mon: ['mon', 'month', 'months'],
      q: ['q', 'qtr', 'qtrs', 'quarter', 'quarters'],
      y: ['y', 'yr', 'yrs', 'year', 'years'],
    };
    for (const [unit, names] of Object.entries(spellings)) {
      for (const name of names) {
        expect(at(`-2${name}`)).toBe(at(`-2${unit}`));
        expect(at(`-${name}`)).toBe(at(`-1${unit}`));
        expect(at(`@${name}`)).toBe(at(`@${unit}`));
      }
    }
  });
});

describe('parseRelativeTime: calendar arithmetic clamps the day', () => {
  it.each([
    ['+1mon', utc(2024, 1, 31, 10), '2024-02-29T10:00:00.000Z'],
    ['+1mon', utc(2023, 1, 31, 10), '2023-02-28T10:00:00.000Z'],
    ['+13mon', utc(2024, 1, 31, 10), '2025-02-28T10:00:00.000Z'],
    ['-1mon', utc(2024, 3, 31, 10), '2024-02-29T10:00:00.000Z'],
    ['-1mon', utc(2024, 1, 15, 10), '2023-12-15T10:00:00.000Z'],
    ['+1q', utc(2024, 1, 31, 10), '2024-04-30T10:00:00.000Z'],
    ['-2q', utc(2024, 8, 31, 10), '2024-02-29T10:00:00.000Z'],
    ['-1y', utc(2024, 2, 29, 10), '2023-02-28T10:00:00.000Z'],
    ['+4y', utc(2024, 2, 29, 10), '2028-02-29T10:00:00.000Z'],
    ['-100y', utc(2000, 2, 29, 10), '1900-02-28T10:00:00.000Z'],
    ['-1d', utc(2024, 3, 1, 10), '2024-02-29T10:00:00.000Z'],
    ['-1d', utc(2023, 3, 1, 10), '2023-02-28T10:00:00.000Z'],
    ['+1d', utc(2024, 12, 31, 10), '2025-01-01T10:00:00.000Z'],
  ])('%s from %p', (s, now, want) => {
    expect(iso(s, now)).toBe(want);
  });

  it('snaps at month, quarter and year ends', () => {
    const end = utc(2024, 3, 31, 23, 59, 59, 999);
    expect(iso('@mon', end)).toBe('2024-03-01T00:00:00.000Z');
    expect(iso('@q', end)).toBe('2024-01-01T00:00:00.000Z');
    expect(iso('@q', utc(2024, 12, 31, 23))).toBe('2024-10-01T00:00:00.000Z');
    expect(iso('@q', utc(2024, 6, 30))).toBe('2024-04-01T00:00:00.000Z');
    expect(iso('@y', utc(2024, 12, 31, 23, 59, 59, 999))).toBe('2024-01-01T00:00:00.000Z');
    expect(iso('+1mon@mon', end)).toBe('2024-04-01T00:00:00.000Z');
    expect(iso('@mon-1d', end)).toBe('2024-02-29T00:00:00.000Z'); // last day of the previous month
    // A snap exactly on its boundary stays put.
    expect(at('@mon', utc(2024, 3, 1))).toBe(utc(2024, 3, 1));
    expect(at('@d', utc(2024, 3, 1))).toBe(utc(2024, 3, 1));
  });
});

describe('parseRelativeTime: snapping happens in the given zone', () => {
  it('at -0100 and +0530', () => {
    // NOW is 12:45:30.5 on Jan 31 at -0100 and 19:15:30.5 on Jan 31 at +0530.
    expect(iso('@d', NOW, MINUS1)).toBe('2024-01-31T01:00:00.000Z');
    expect(iso('-1d@d+8h', NOW, MINUS1)).toBe('2024-01-30T09:00:00.000Z');
    expect(iso('@h', NOW, PLUS0530)).toBe('2024-01-31T13:30:00.000Z');
    expect(iso('@d', NOW, PLUS0530)).toBe('2024-01-30T18:30:00.000Z');
    expect(iso('-15m@m', NOW, PLUS0530)).toBe('2024-01-31T13:30:00.000Z');
  });

  it('when the zone is already in the next day, month or quarter', () => {
    const now = utc(2024, 3, 31, 20); // 2024-04-01 01:30 (a Monday) at +0530
    expect(iso('@mon', now, PLUS0530)).toBe('2024-03-31T18:30:00.000Z');
    expect(iso('@q', now, PLUS0530)).toBe('2024-03-31T18:30:00.000Z');
    expect(iso('@w1', now, PLUS0530)).toBe('2024-03-31T18:30:00.000Z');
    expect(iso('@mon', now, UTC)).toBe('2024-03-01T00:00:00.000Z');
    expect(iso('@q', now, UTC)).toBe('2024-01-01T00:00:00.000Z');
    expect(iso('@w1', now, UTC)).toBe('2024-03-25T00:00:00.000Z');
    expect(iso('@mon', now, MINUS1)).toBe('2024-03-01T01:00:00.000Z');
  });

  it('local: @d is the process zone midnight', () => {
    const now = new Date(2024, 6, 15, 13, 5).getTime();
    expect(at('@d', now, LOCAL)).toBe(new Date(2024, 6, 15).getTime());
    expect(at('-1d@d+8h', now, LOCAL)).toBe(new Date(2024, 6, 14, 8).getTime());
  });
});

describe('parseRelativeTime: absolute times', () => {
  it.each([
    ['2024-01-02T03:04:05', UTC, '2024-01-02T03:04:05.000Z'],
    ['2024-01-02T03:04:05', MINUS1, '2024-01-02T04:04:05.000Z'],
    ['2024-01-02 03:04:05', PLUS0530, '2024-01-01T21:34:05.000Z'],
    ['2024-01-02', PLUS0530, '2024-01-01T18:30:00.000Z'],
    ['2024-01-02T03:04', UTC, '2024-01-02T03:04:00.000Z'],
    ['2024-01-02T03:04:05.5Z', MINUS1, '2024-01-02T03:04:05.500Z'],
    ['2024-01-02T03:04:05,123456z', MINUS1, '2024-01-02T03:04:05.123Z'],
    ['2024-01-02T03:04:05+05:30', MINUS1, '2024-01-01T21:34:05.000Z'],
    ['2024-01-02T03:04:05-0100', PLUS0530, '2024-01-02T04:04:05.000Z'],
    ['2024-01-02T03:04:05+01', UTC, '2024-01-02T02:04:05.000Z'],
    ['01/02/2024:03:04:05', UTC, '2024-01-02T03:04:05.000Z'],
    ['1/2/2024:03:04:05', MINUS1, '2024-01-02T04:04:05.000Z'],
    ['02/29/2024:23:59:59', UTC, '2024-02-29T23:59:59.000Z'],
  ])('%s in %p', (s, tz, want) => {
    expect(iso(s, NOW, tz)).toBe(want);
    expect(isRelativeToNow(s)).toBe(false);
  });

  it('epoch seconds, integer or fractional; 0 is the start of time', () => {
    expect(at('0')).toBe(0);
    expect(at('1700000000', NOW, PLUS0530)).toBe(1_700_000_000_000);
    expect(at('1600000000')).toBe(1_600_000_000_000); // trailing zeros matter
    expect(at('1700000000.5')).toBe(1_700_000_000_500);
    expect(at('1700000000.123456')).toBe(1_700_000_000_123);
    expect(at('0.25')).toBe(250);
  });
});

describe('parseRelativeTime: errors', () => {
  it.each([
    ['-15x', '"-15x" is not a Splunk time: unknown unit "x" (use s, m, h, d, w, mon, q, y)'],
    ['-15', '"-15" is not a Splunk time: missing unit after "-15" (use s, m, h, d, w, mon, q, y)'],
    ['+', '"+" is not a Splunk time: missing unit after "+" (use s, m, h, d, w, mon, q, y)'],
    ['@x', '"@x" is not a Splunk time: unknown snap unit "x" (use s, m, h, d, w, w0-w7, mon, q, y)'],
    ['@', '"@" is not a Splunk time: missing unit after "@" (use s, m, h, d, w, w0-w7, mon, q, y)'],
    ['@w8', '"@w8" is not a Splunk time: @w8: the weekday must be 0 to 7 (0 and 7 = Sunday)'],
    ['@d5', '"@d5" is not a Splunk time: only @w takes a day number (@w0 to @w7)'],
    ['-15m!', '"-15m!" is not a Splunk time: unexpected "!"; write offsets like -15m and snaps like @d'],
    ['- 15m', '"- 15m" is not a Splunk time: unexpected " "; write offsets like -15m and snaps like @d'],
    ['-15 m', '"-15 m" is not a Splunk time: unexpected " "; write offsets like -15m and snaps like @d'],
    ['-15@d', '"-15@d" is not a Splunk time: missing unit after "-15" (use s, m, h, d, w, mon, q, y)'],
    ['', '"" is not a Splunk time: the value is empty'],
    ['1m', '"1m" is not a Splunk time: a relative time needs a sign: -1m (in the past) or +1m (in the future)'],
    ['3600', '"3600" is not a Splunk time: a bare number is ambiguous; write an epoch with 10 digits (or 0), or a relative time such as -3600s'],
    ['2024-02-30', '"2024-02-30" is not a Splunk time: day 30 does not exist in 2024-02'],
    ['2023-02-29T00:00:00', '"2023-02-29T00:00:00" is not a Splunk time: day 29 does not exist in 2023-02'],
    ['2024-13-01', '"2024-13-01" is not a Splunk time: month 13 does not exist'],
    ['2024-01-02T24:00:00', '"2024-01-02T24:00:00" is not a Splunk time: the time of day is out of range'],
    ['-99999999d', '"-99999999d" is not a Splunk time: the offset 99999999 is too large'],
  ])('%s', (s, message) => {
    expect(errorOf(s)).toBe(message);
    expect(parseRelativeTime(s).resolve).toBeUndefined();
  });

  it('rejects words and other shapes with a hint', () => {
    for (const s of ['yesterday', '2024/01/02', '12345678', '1.5', 'now-1d', '-1d @d']) {
      expect(errorOf(s)).toMatch(new RegExp(`^"${s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" is not a Splunk time`));
    }
  });
});

describe('isRelativeToNow', () => {
  it('is true for values that move with now', () => {
    for (const s of ['now', '-15m', '@d', '+1d@d', '-1d@d+8h']) expect(isRelativeToNow(s)).toBe(true);
  });
  it('is false for absolute and invalid values', () => {
    for (const s of ['0', '1700000000', '2024-01-02', '01/02/2024:00:00:00', 'bogus', '-15x']) expect(isRelativeToNow(s)).toBe(false);
  });
});
