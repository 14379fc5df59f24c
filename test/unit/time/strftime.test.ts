import { CachedStrftime, compileStrftime, formatterUsesSubsecond } from '../../../lib/time/strftime';
import { LOCAL, UTC, fixedZone, formatOffset, type TimeZone } from '../../../lib/time/tz';

const T = 1_700_000_000_123; // 2023-11-14T22:13:20.123Z, a Tuesday
const MINUS1 = fixedZone(-60);
const PLUS0530 = fixedZone(330);
const fmt = (format: string, ms: number, tz: TimeZone = UTC): string => compileStrftime(format)(ms, tz);
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number => Date.UTC(y, mo - 1, d, h, mi, s, ms);

describe('compileStrftime: every directive at a known instant', () => {
  // Expected values produced by CPython 3.11 datetime.strftime on Linux (C locale).
  const expected: Record<string, [string, string, string]> = {
    //     UTC                          -0100                          +0530
    a: ['Tue', 'Tue', 'Wed'],
    A: ['Tuesday', 'Tuesday', 'Wednesday'],
    b: ['Nov', 'Nov', 'Nov'],
    h: ['Nov', 'Nov', 'Nov'],
    B: ['November', 'November', 'November'],
    c: ['Tue Nov 14 22:13:20 2023', 'Tue Nov 14 21:13:20 2023', 'Wed Nov 15 03:43:20 2023'],
    C: ['20', '20', '20'],
    d: ['14', '14', '15'],
    D: ['11/14/23', '11/14/23', '11/15/23'],
    e: ['14', '14', '15'],
    f: ['123000', '123000', '123000'],
    F: ['2023-11-14', '2023-11-14', '2023-11-15'],
    g: ['23', '23', '23'],
    G: ['2023', '2023', '2023'],
    H: ['22', '21', '03'],
    I: ['10', '09', '03'],
    j: ['318', '318', '319'],
    k: ['22', '21', ' 3'],
    l: ['10', ' 9', ' 3'],
    m: ['11', '11', '11'],
    M: ['13', '13', '43'],
    p: ['PM', 'PM', 'AM'],
    r: ['10:13:20 PM', '09:13:20 PM', '03:43:20 AM'],
    R: ['22:13', '21:13', '03:43'],
    S: ['20', '20', '20'],
    T: ['22:13:20', '21:13:20', '03:43:20'],
    u: ['2', '2', '3'],
    U: ['46', '46', '46'],
    V: ['46', '46', '46'],
    w: ['2', '2', '3'],
    W: ['46', '46', '46'],
    x: ['11/14/23', '11/14/23', '11/15/23'],
    X: ['22:13:20', '21:13:20', '03:43:20'],
    y: ['23', '23', '23'],
    Y: ['2023', '2023', '2023'],
    z: ['+0000', '-0100', '+0530'],
    Z: ['UTC', '-0100', '+0530'],
    s: ['1700000000', '1700000000', '1700000000'],
    '%': ['%', '%', '%'],
    n: ['\n', '\n', '\n'],
    t: ['\t', '\t', '\t'],
  };
  for (const [directive, [inUtc, inMinus1, inPlus0530]] of Object.entries(expected)) {
    it(`%${directive}`, () => {
      expect(fmt(`%${directive}`, T, UTC)).toBe(inUtc);
      expect(fmt(`%${directive}`, T, MINUS1)).toBe(inMinus1);
      expect(fmt(`%${directive}`, T, PLUS0530)).toBe(inPlus0530);
    });
  }

  it('formats the common Eventgen layouts', () => {
    expect(fmt('%Y-%m-%d %H:%M:%S', T)).toBe('2023-11-14 22:13:20');
    expect(fmt('%d/%b/%Y:%H:%M:%S.%f', T, MINUS1)).toBe('14/Nov/2023:21:13:20.123000');
    expect(fmt('%Y-%m-%dT%H:%M:%S,%f', T, PLUS0530)).toBe('2023-11-15T03:43:20,123000');
    expect(fmt('%m-%d-%Y %H:%M:%S.%f', T)).toBe('11-14-2023 22:13:20.123000');
    expect(fmt('%Y%m%d%H%M%S', T)).toBe('20231114221320');
    expect(fmt('[%d/%b/%Y:%H:%M:%S %z]', T, MINUS1)).toBe('[14/Nov/2023:21:13:20 -0100]');
  });
});

describe('compileStrftime: edge cases', () => {
  it('%s is the full integer epoch, never losing trailing zeros (the original dropped them)', () => {
    expect(fmt('%s', 1_700_000_000_000)).toBe('1700000000');
    expect(fmt('%s', 1_600_000_000_999)).toBe('1600000000');
    expect(fmt('%s', 1_000_000_000_000)).toBe('1000000000');
    expect(fmt('%s', 1_234_567_890_000, PLUS0530)).toBe('1234567890');
    expect(fmt('%s', 0)).toBe('0');
    for (let sec = 1_700_000_000; sec < 1_700_000_000 + 20_000; sec += 10) {
      expect(fmt('%s', sec * 1000 + 500)).toBe(String(sec));
    }
  });

  it('%f shows milliseconds as 6-digit microseconds', () => {
    expect(fmt('%f', utc(2024, 1, 1, 0, 0, 0, 0))).toBe('000000');
    expect(fmt('%f', utc(2024, 1, 1, 0, 0, 0, 7))).toBe('007000');
    expect(fmt('%f', utc(2024, 1, 1, 0, 0, 0, 999))).toBe('999000');
    expect(fmt('%f', utc(2024, 1, 1) + 5.9)).toBe('005000'); // fractional ms are truncated
  });

  it('12-hour clock at midnight and noon', () => {
    expect(fmt('%I %l %p', utc(2024, 1, 1, 0, 30))).toBe('12 12 AM');
    expect(fmt('%I %l %p', utc(2024, 1, 1, 12, 30))).toBe('12 12 PM');
    expect(fmt('%I %p', utc(2024, 1, 1, 23, 59))).toBe('11 PM');
  });

  it('day of year and week numbers around year ends and leap years', () => {
    expect(fmt('%j', utc(2024, 12, 31))).toBe('366');
    expect(fmt('%j', utc(2023, 12, 31))).toBe('365');
    expect(fmt('%j', utc(2024, 2, 29))).toBe('060');
    // 2023-01-01 is a Sunday: week 1 for %U (Sunday-first), week 0 for %W (Monday-first).
    expect(fmt('%U %W %V %G', utc(2023, 1, 1))).toBe('01 00 52 2022');
    // 2021-01-01 (Friday) belongs to ISO week 53 of 2020.
    expect(fmt('%G-W%V-%u %g', utc(2021, 1, 1))).toBe('2020-W53-5 20');
    // 2024-12-30 (Monday) starts ISO week 1 of 2025.
    expect(fmt('%G-W%V-%u', utc(2024, 12, 30))).toBe('2025-W01-1');
    expect(fmt('%G-W%V', utc(2008, 12, 29))).toBe('2009-W01');
    expect(fmt('%G-W%V', utc(2010, 1, 3))).toBe('2009-W53');
  });

  it('space-padded %e in %c, as glibc does', () => {
    expect(fmt('%c', utc(2023, 11, 5, 1, 2, 3))).toBe('Sun Nov  5 01:02:03 2023');
    expect(fmt('%e|%k', utc(2023, 11, 5, 1))).toBe(' 5| 1');
  });

  it('glibc padding flags and Python %:z', () => {
    const t = utc(2024, 3, 5, 7, 8, 9);
    expect(fmt('%-m/%-d/%Y %-H:%M', t)).toBe('3/5/2024 7:08');
    expect(fmt('%_m|%0e|%-j', t)).toBe(' 3|05|65');
    expect(fmt('%:z', t, PLUS0530)).toBe('+05:30');
    expect(fmt('%:z', t, MINUS1)).toBe('-01:00');
  });

  it('keeps unknown directives and a trailing % literally', () => {
    expect(fmt('%q', T)).toBe('%q');
    expect(fmt('%Y%', T)).toBe('2023%');
    expect(fmt('100%% %Q %-q', T)).toBe('100% %Q %-q');
    expect(fmt('%%Y', T)).toBe('%Y');
    expect(fmt('no directives', T)).toBe('no directives');
    expect(fmt('', T)).toBe('');
  });

  it('handles instants before 1970 and far ahead', () => {
    expect(fmt('%Y-%m-%d %H:%M:%S.%f %s', -1)).toBe('1969-12-31 23:59:59.999000 -1');
    expect(fmt('%F %T %a', utc(1900, 3, 1))).toBe('1900-03-01 00:00:00 Thu');
    expect(fmt('%F %T %j', utc(2100, 12, 31, 23, 59, 59))).toBe('2100-12-31 23:59:59 365');
  });

  it('crosses the date line with the zone', () => {
    const t = utc(2024, 12, 31, 23, 0);
    expect(fmt('%F %H:%M', t, fixedZone(60))).toBe('2025-01-01 00:00');
    expect(fmt('%F %H:%M', t, fixedZone(-720))).toBe('2024-12-31 11:00');
  });

  it('agrees with Date for many instants (UTC and a fixed offset)', () => {
    const f = compileStrftime('%Y-%m-%d %H:%M:%S.%f %a %j');
    let t = -2_000_000_000_000;
    for (let i = 0; i < 2000; i++) {
      t += i % 3 === 0 ? 9_876_543_217 : 3_600_123; // jumps of ~114 days mixed with same-day steps
      for (const offset of [0, 330, -60]) {
        const d = new Date(t + offset * 60_000);
        const yday = Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
        const want =
          d.toISOString().slice(0, 19).replace('T', ' ') +
          '.' + String(d.getUTCMilliseconds() * 1000).padStart(6, '0') +
          ' ' + ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()] +
          ' ' + String(yday).padStart(3, '0');
        expect(f(t, fixedZone(offset))).toBe(want);
      }
    }
  });

  it('same-day fast path stays correct when the zone changes between calls', () => {
    const f = compileStrftime('%F %T');
    expect(f(T, UTC)).toBe('2023-11-14 22:13:20');
    expect(f(T + 1000, PLUS0530)).toBe('2023-11-15 03:43:21');
    expect(f(T + 2000, UTC)).toBe('2023-11-14 22:13:22');
  });

  it('local zone: offset and date fields follow Date', () => {
    const t = 1_720_000_000_000;
    const d = new Date(t);
    expect(fmt('%z', t, LOCAL)).toBe(formatOffset(-d.getTimezoneOffset()));
    expect(fmt('%Y %m %d %H %M', t, LOCAL)).toBe(
      [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes()].map((n) => String(n).padStart(2, '0')).join(' '),
    );
    expect(fmt('%Z', t, LOCAL)).toMatch(/^([A-Z][A-Za-z]{1,5}|[+-]\d{4})$/);
  });
});

describe('formatterUsesSubsecond', () => {
  it('is true only for a real %f', () => {
    expect(formatterUsesSubsecond('%Y-%m-%d %H:%M:%S.%f')).toBe(true);
    expect(formatterUsesSubsecond('%Y-%m-%d %H:%M:%S')).toBe(false);
    expect(formatterUsesSubsecond('%%f')).toBe(false);
    expect(formatterUsesSubsecond('%s')).toBe(false);
  });
});

describe('CachedStrftime', () => {
  it('returns exactly what the uncached formatter does, including slot collisions', () => {
    const cached = new CachedStrftime('%Y-%m-%d %H:%M:%S %s', PLUS0530);
    const plain = compileStrftime('%Y-%m-%d %H:%M:%S %s');
    const base = 1_700_000_000_000;
    // Seconds 64 apart share a slot; revisit them in a scrambled order.
    const offsets = [0, 64, 0, 128, 1, 65, 1, 0, -64, -1, 999_999, 63, 127];
    for (let round = 0; round < 3; round++) {
      for (const o of offsets) {
        const t = base + o * 1000 + ((round * 337) % 1000);
        expect(cached.format(t)).toBe(plain(t, PLUS0530));
      }
    }
  });

  it('bypasses the cache for sub-second formats', () => {
    const cached = new CachedStrftime('%H:%M:%S.%f', UTC);
    expect(cached.format(T)).toBe('22:13:20.123000');
    expect(cached.format(T + 1)).toBe('22:13:20.124000');
  });

  it('writeBytes writes exactly the UTF-8 of format(), %f in any position and with any flag, across seconds', () => {
    const patterns = ['%Y-%m-%d %H:%M:%S,%f', '%f', '%f%f|%-f|%_f|%0f', 'x%fy %z %Z %s', '%d/%b/%Y:%H:%M:%S.%f€', '%H:%M:%S', '%c'];
    // Around a second boundary (and a DST change where the local zone has one), and pre-1970.
    const instants = [Date.UTC(2024, 2, 31, 0, 59, 58), Date.UTC(2024, 2, 31, 0, 59, 59, 999), Date.UTC(2024, 2, 31, 1, 0, 0, 1), -1, -999, -1001, 1_700_000_000_123.7, 0];
    for (let k = 0; k < 50; k++) instants.push(1_700_000_000_000 + k * 37.3);
    // Seconds 64 apart share a cache slot; revisit them in a scrambled order.
    for (const o of [0, 64, 0, 128, 1, 65, 1, 0, -64]) instants.push(1_700_000_000_000 + o * 1000 + 5);
    for (const p of patterns) {
      for (const tz of [UTC, LOCAL, PLUS0530]) {
        const cached = new CachedStrftime(p, tz);
        for (const t of instants) {
          const chunks: Buffer[] = [];
          const out = {
            bytes: (b: Uint8Array) => void chunks.push(Buffer.from(b)),
            padded: (v: number, width: number) => void chunks.push(Buffer.from(String(v).padStart(width, '0'))),
            string: (x: string) => void chunks.push(Buffer.from(x, 'utf8')),
          };
          cached.writeBytes(t, out);
          expect(Buffer.concat(chunks).toString('utf8')).toBe(compileStrftime(p)(t, tz));
        }
      }
    }
  });

  it('uses whole seconds for pre-1970 instants', () => {
    const cached = new CachedStrftime('%F %T', UTC);
    expect(cached.format(-1)).toBe('1969-12-31 23:59:59');
    expect(cached.format(-1001)).toBe('1969-12-31 23:59:58');
  });
});
