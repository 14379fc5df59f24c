import { compileStrftime } from '../../../lib/time/strftime';
import { compileStrptime } from '../../../lib/time/strptime';
import { LOCAL, UTC, fixedZone, type TimeZone } from '../../../lib/time/tz';

const MINUS1 = fixedZone(-60);
const PLUS0530 = fixedZone(330);
const NOW = Date.UTC(2024, 5, 15, 12); // mid-2024, for formats without a year
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number => Date.UTC(y, mo - 1, d, h, mi, s, ms);
const parse = (format: string, text: string, tz: TimeZone = UTC, now = NOW): number | undefined => compileStrptime(format)(text, tz, now);

/** A deterministic spread of instants from 1971 to 2037, in ms (LCG, so failures reproduce). */
function instants(count: number): number[] {
  const out: number[] = [];
  let x = 12345;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(31_536_000_000 + Math.floor((x / 2147483648) * 2_100_000_000_000));
  }
  return out;
}

describe('compileStrptime: round trips with strftime', () => {
  const zones: [string, TimeZone][] = [['UTC', UTC], ['-0100', MINUS1], ['+0530', PLUS0530]];
  // [format, resolution in ms the text keeps]
  const exact: [string, number][] = [
    ['%d/%b/%Y:%H:%M:%S.%f', 1],
    ['%Y-%m-%dT%H:%M:%S,%f', 1],
    ['%m-%d-%Y %H:%M:%S.%f', 1],
    ['%Y-%m-%d %H:%M:%S,%f', 1],
    ['%Y-%m-%d %H:%M:%S', 1000],
    ['%Y-%m-%dT%H:%M:%S', 1000],
    ['%Y%m%d%H%M%S', 1000],
    ['%Y%m%d-%H:%M:%S.%f', 1],
    ['%s', 1000],
    ['%c', 1000],
    ['%a, %d %B %Y %I:%M:%S %p', 1000],
    ['%A %e %h %y %l:%M:%S %p', 1000],
    ['%F %T', 1000],
    ['%D %T', 1000],
    ['%Y %j %H:%M', 60_000],
    ['[%d/%b/%Y:%H:%M:%S %z]', 1000],
    ['%Y-%m-%dT%H:%M:%S.%f%z', 1],
    ['%Y-%m-%d %H:%M:%S %Z', 1000],
    ['%x %X', 1000],
    ['%F %k:%M:%S', 1000],
  ];
  for (const [format, resolution] of exact) {
    for (const [zoneName, tz] of zones) {
      it(`${format} in ${zoneName}`, () => {
        const show = compileStrftime(format);
        const read = compileStrptime(format);
        for (const t of instants(300)) {
          const text = show(t, tz);
          expect(read(text, tz, NOW)).toBe(Math.floor(t / resolution) * resolution);
        }
      });
    }
  }

  it('%b %d %H:%M:%S (no year) takes the year from now, in the zone', () => {
    const format = '%b %d %H:%M:%S';
    const read = compileStrptime(format);
    const show = compileStrftime(format);
    for (const t of instants(300)) {
      for (const tz of [UTC, MINUS1, PLUS0530]) {
        // "now" in the same year as t (per the zone) makes the round trip exact.
        const text = show(t, tz);
        if (text.startsWith('Feb 29')) continue; // needs a leap "now" year; covered below
        expect(read(text, tz, t + 1000)).toBe(Math.floor(t / 1000) * 1000);
      }
    }
    expect(read('Nov 14 22:13:20', UTC, NOW)).toBe(utc(2024, 11, 14, 22, 13, 20));
  });

  it('a zone with %z or %s in the text wins over the tz argument', () => {
    const t = 1_700_000_000_000;
    for (const format of ['%Y-%m-%d %H:%M:%S %z', '%s']) {
      const text = compileStrftime(format)(t, PLUS0530);
      expect(compileStrptime(format)(text, MINUS1)).toBe(t);
    }
  });
});

describe('compileStrptime: field rules', () => {
  it('reads the default year from now in the zone, not in UTC', () => {
    const newYearsEve = utc(2023, 12, 31, 23);
    expect(parse('%m-%d %H:%M', '01-01 04:00', PLUS0530, newYearsEve)).toBe(utc(2023, 12, 31, 22, 30)); // 2024-01-01 04:00 +0530
    expect(parse('%m-%d %H:%M', '01-01 04:00', UTC, newYearsEve)).toBe(utc(2023, 1, 1, 4));
  });

  it('Feb 29 without a year needs a leap current year', () => {
    expect(parse('%b %d %H:%M:%S', 'Feb 29 00:00:00', UTC, utc(2024, 3, 1))).toBe(utc(2024, 2, 29));
    expect(parse('%b %d %H:%M:%S', 'Feb 29 00:00:00', UTC, utc(2023, 3, 1))).toBeUndefined();
  });

  it('rejects impossible dates', () => {
    expect(parse('%Y-%m-%d', '2023-02-29')).toBeUndefined();
    expect(parse('%Y-%m-%d', '2024-02-29')).toBe(utc(2024, 2, 29));
    expect(parse('%Y-%m-%d', '2024-04-31')).toBeUndefined();
    expect(parse('%Y-%m-%d', '2024-13-01')).toBeUndefined();
    expect(parse('%Y-%m-%d %H', '2024-01-01 24')).toBeUndefined();
    expect(parse('%Y %j', '2023 366')).toBeUndefined();
  });

  it('%y pivots at 69 like Python', () => {
    expect(parse('%y-%m-%d', '68-01-01')).toBe(utc(2068, 1, 1));
    expect(parse('%y-%m-%d', '69-01-01')).toBe(utc(1969, 1, 1));
    expect(parse('%y-%m-%d', '00-01-01')).toBe(utc(2000, 1, 1));
  });

  it('12-hour clock', () => {
    expect(parse('%Y %I:%M %p', '2024 12:05 AM')).toBe(utc(2024, 1, 1, 0, 5));
    expect(parse('%Y %I:%M %p', '2024 12:05 pm')).toBe(utc(2024, 1, 1, 12, 5));
    expect(parse('%Y %I:%M %p', '2024 01:05 PM')).toBe(utc(2024, 1, 1, 13, 5));
    expect(parse('%Y %I:%M', '2024 12:05')).toBe(utc(2024, 1, 1, 0, 5)); // Python: %I alone reads 12 as 0
    expect(parse('%Y %H:%M %p', '2024 09:05 PM')).toBe(utc(2024, 1, 1, 9, 5)); // %p only affects %I
  });

  it('%j sets the date, also in leap years', () => {
    expect(parse('%Y %j', '2024 060')).toBe(utc(2024, 2, 29));
    expect(parse('%Y %j', '2023 060')).toBe(utc(2023, 3, 1));
    expect(parse('%Y %j', '2024 366')).toBe(utc(2024, 12, 31));
    expect(parse('%Y %j', '2024 1')).toBe(utc(2024, 1, 1));
  });

  it('%f takes 1 to 6 digits as a fraction of a second', () => {
    expect(parse('%Y %S.%f', '2024 01.5')).toBe(utc(2024, 1, 1, 0, 0, 1, 500));
    expect(parse('%Y %S.%f', '2024 01.123456')).toBe(utc(2024, 1, 1, 0, 0, 1, 123));
    expect(parse('%Y %S.%f', '2024 01.000999')).toBe(utc(2024, 1, 1, 0, 0, 1, 0));
    expect(parse('%Y %S.%f', '2024 01.1234567')).toBeUndefined();
  });

  it('backtracks between adjacent numbers like Python', () => {
    expect(parse('%Y%m%d%H%M', '202401020930')).toBe(utc(2024, 1, 2, 9, 30));
    expect(parse('%Y %H%M', '2024 0930')).toBe(utc(2024, 1, 1, 9, 30));
    expect(parse('%Y %H%M', '2024 930')).toBe(utc(2024, 1, 1, 9, 30));
    expect(parse('%Y-%m-%d', '2024-1-2')).toBe(utc(2024, 1, 2));
  });

  it('month and day names: any case, full or short; weekday names are checked but ignored', () => {
    expect(parse('%d %b %Y', '14 nov 2023')).toBe(utc(2023, 11, 14));
    expect(parse('%d %b %Y', '14 NOVEMBER 2023')).toBe(utc(2023, 11, 14));
    expect(parse('%d %B %Y', '14 Nov 2023')).toBe(utc(2023, 11, 14));
    expect(parse('%a %d %b %Y', 'Fri 14 Nov 2023')).toBe(utc(2023, 11, 14)); // wrong weekday, ignored
    expect(parse('%a %d %b %Y', 'Xyz 14 Nov 2023')).toBeUndefined();
    expect(parse('%d %b %Y', '14 Nox 2023')).toBeUndefined();
  });

  it('time zones in the text', () => {
    const wall = utc(2024, 1, 2, 3, 4, 5);
    expect(parse('%Y-%m-%d %H:%M:%S %z', '2024-01-02 03:04:05 +0530', MINUS1)).toBe(wall - 330 * 60_000);
    expect(parse('%Y-%m-%d %H:%M:%S %z', '2024-01-02 03:04:05 +05:30', MINUS1)).toBe(wall - 330 * 60_000);
    expect(parse('%Y-%m-%d %H:%M:%S %z', '2024-01-02 03:04:05 -0100')).toBe(wall + 60 * 60_000);
    expect(parse('%Y-%m-%dT%H:%M:%S%z', '2024-01-02T03:04:05Z', MINUS1)).toBe(wall);
    expect(parse('%Y-%m-%d %H:%M:%S %Z', '2024-01-02 03:04:05 UTC', MINUS1)).toBe(wall);
    expect(parse('%Y-%m-%d %H:%M:%S %Z', '2024-01-02 03:04:05 GMT', PLUS0530)).toBe(wall);
    expect(parse('%Y-%m-%d %H:%M:%S %Z', '2024-01-02 03:04:05 -0100')).toBe(wall + 60 * 60_000);
    // Unknown abbreviations are accepted and the text is read in tz.
    expect(parse('%Y-%m-%d %H:%M:%S %Z', '2024-01-02 03:04:05 EST', MINUS1)).toBe(wall + 60 * 60_000);
    expect(parse('%Y-%m-%d %H:%M:%S %z', '2024-01-02 03:04:05 EST')).toBeUndefined();
  });

  it('%s: integer, fractional, negative, with trailing zeros', () => {
    expect(parse('%s', '1700000000')).toBe(1_700_000_000_000);
    expect(parse('%s', '1600000000', PLUS0530)).toBe(1_600_000_000_000);
    expect(parse('%s', '1700000000.5')).toBe(1_700_000_000_500);
    expect(parse('%s', '1700000000.123456')).toBe(1_700_000_000_123);
    expect(parse('%s', '-86400')).toBe(-86_400_000);
    expect(parse('%s.%f', '1700000000.250')).toBe(1_700_000_000_250);
    expect(parse('%s', '17e8')).toBeUndefined();
  });

  it('composites %T %D %F %e and %k', () => {
    expect(parse('%F %T', '2024-03-05 07:08:09')).toBe(utc(2024, 3, 5, 7, 8, 9));
    expect(parse('%D %T', '03/05/24 07:08:09')).toBe(utc(2024, 3, 5, 7, 8, 9));
    expect(parse('%b %e %k:%M %Y', 'Mar  5  7:08 2024')).toBe(utc(2024, 3, 5, 7, 8));
    expect(parse('%b %e %H:%M %Y', 'Mar 15 07:08 2024')).toBe(utc(2024, 3, 15, 7, 8));
  });

  it('whitespace in the format matches one or more whitespace characters', () => {
    expect(parse('%Y %m %d', '2024   03\t05')).toBe(utc(2024, 3, 5));
    expect(parse('%Y %m %d', '202403 05')).toBeUndefined();
  });

  it('literal text, including regex metacharacters, must match exactly', () => {
    expect(parse('[%d/%b/%Y:%H:%M:%S]', '[05/Mar/2024:07:08:09]')).toBe(utc(2024, 3, 5, 7, 8, 9));
    expect(parse('(%Y).*%m+%d?', '(2024).*03+05?')).toBe(utc(2024, 3, 5));
    expect(parse('(%Y).*%m+%d?', '(2024)x*03+05?')).toBeUndefined();
    expect(parse('%Y-%m-%dT%H', '2024-03-05t07')).toBe(utc(2024, 3, 5, 7)); // case-insensitive, like Python
    expect(parse('100%% %Y', '100% 2024')).toBe(utc(2024, 1, 1));
  });

  it('the whole text must match', () => {
    expect(parse('%Y-%m-%d', '2024-03-05 ')).toBeUndefined();
    expect(parse('%Y-%m-%d', ' 2024-03-05')).toBeUndefined();
    expect(parse('%Y-%m-%d', '2024-03-05x')).toBeUndefined();
    expect(parse('%Y-%m-%d', '')).toBeUndefined();
  });

  it('leap seconds read as :59 instead of dropping the event', () => {
    expect(parse('%F %T', '2016-12-31 23:59:60')).toBe(utc(2016, 12, 31, 23, 59, 59));
  });

  it('throws at compile time for unsupported directives and a stray %', () => {
    expect(() => compileStrptime('%Q')).toThrow('%Q is not supported');
    expect(() => compileStrptime('%Y%')).toThrow('stray %');
    expect(() => compileStrptime('%U')).toThrow();
  });

  it('local zone: agrees with Date for an ordinary time', () => {
    // July 15th at noon is far from any DST change in every zone.
    expect(parse('%F %T', '2024-07-15 12:34:56', LOCAL)).toBe(new Date(2024, 6, 15, 12, 34, 56).getTime());
    expect(parse('%b %d %T', 'Jan 15 12:00:00', LOCAL, new Date(2022, 5, 1).getTime())).toBe(new Date(2022, 0, 15, 12).getTime());
  });
});
