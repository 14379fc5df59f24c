import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import {
  LOCAL,
  UTC,
  daysFromCivil,
  daysInMonth,
  fixedZone,
  formatOffset,
  isLeapYear,
  newWallTime,
  offsetMinutesAt,
  parseTimeZone,
  splitWall,
  toWallTime,
  wallFromFields,
  wallToEpoch,
} from '../../../lib/time/tz';

describe('parseTimeZone', () => {
  it.each([
    ['local', LOCAL],
    ['LOCAL', LOCAL],
    ['UTC', UTC],
    ['utc', UTC],
    ['GMT', UTC],
    ['Z', UTC],
    ['+0000', UTC],
    ['-0000', UTC],
    ['+0530', fixedZone(330)],
    ['-0100', fixedZone(-60)],
    ['+05:30', fixedZone(330)],
    ['-03:30', fixedZone(-210)],
    ['+05', fixedZone(300)],
    ['0530', fixedZone(330)], // the original parsed the setting with int()
    [' -0800 ', fixedZone(-480)],
    ['+2359', fixedZone(1439)],
  ])('%s', (s, tz) => {
    expect(parseTimeZone(s)).toEqual(tz);
  });

  it.each(['', 'abc', '+5', '+530', '+2400', '+0560', '+05:3', '+05:300', 'America/New_York', 'UTC+1', '++0100'])('rejects %p', (s) => {
    expect(parseTimeZone(s)).toBeUndefined();
  });

  it('uses minutes east of UTC', () => {
    const minus1 = parseTimeZone('-0100');
    expect(minus1).toEqual({ kind: 'fixed', offsetMinutes: -60 });
    expect(offsetMinutesAt(minus1!, 0)).toBe(-60);
  });
});

describe('formatOffset', () => {
  it('prints ±hhmm or ±hh:mm', () => {
    expect(formatOffset(0)).toBe('+0000');
    expect(formatOffset(330)).toBe('+0530');
    expect(formatOffset(-60)).toBe('-0100');
    expect(formatOffset(-570, ':')).toBe('-09:30');
    expect(formatOffset(765)).toBe('+1245');
  });
});

describe('offsetMinutesAt', () => {
  it('is constant for fixed zones', () => {
    expect(offsetMinutesAt(fixedZone(330), 0)).toBe(330);
    expect(offsetMinutesAt(fixedZone(330), 1_700_000_000_000)).toBe(330);
  });

  it('local follows Date#getTimezoneOffset, with the sign flipped and no -0', () => {
    for (let t = Date.UTC(2020, 0, 1); t < Date.UTC(2025, 0, 1); t += 7 * 3_600_000 + 123_457) {
      const got = offsetMinutesAt(LOCAL, t);
      const want = -new Date(t).getTimezoneOffset();
      expect(got).toBe(want === 0 ? 0 : want);
      expect(Object.is(got, -0)).toBe(false);
    }
  });
});

describe('civil calendar', () => {
  it('daysFromCivil and splitWall agree with Date for many days, before and after 1970', () => {
    const w = newWallTime();
    for (let t = Date.UTC(1890, 0, 1, 5, 6, 7, 8); t < Date.UTC(2110, 0, 1); t += 86_400_000 * 7 + 3_723_001) {
      const d = new Date(t);
      splitWall(t, w);
      expect([w.year, w.month, w.day, w.hour, w.minute, w.second, w.millisecond, w.weekday]).toEqual([
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
        d.getUTCMilliseconds(),
        d.getUTCDay(),
      ]);
      expect(w.yearDay).toBe((Date.UTC(w.year, w.month - 1, w.day) - Date.UTC(w.year, 0, 1)) / 86_400_000 + 1);
      expect(daysFromCivil(w.year, w.month, w.day)).toBe(Math.floor(t / 86_400_000));
    }
  });

  it('leap years and month lengths', () => {
    expect([1900, 2000, 2023, 2024, 2100].map(isLeapYear)).toEqual([false, true, false, true, false]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect(daysInMonth(2023, 4)).toBe(30);
    expect(daysInMonth(2023, 12)).toBe(31);
  });

  it('toWallTime and wallToEpoch for fixed zones', () => {
    const t = 1_700_000_000_123;
    const w = toWallTime(t, fixedZone(330));
    expect([w.year, w.month, w.day, w.hour, w.minute, w.second, w.millisecond, w.offsetMinutes, w.yearDay]).toEqual([2023, 11, 15, 3, 43, 20, 123, 330, 319]);
    const wall = wallFromFields(2023, 11, 15, 3, 43, 20, 123);
    expect(wallToEpoch(wall, fixedZone(330))).toBe(t);
    expect(wallToEpoch(wallFromFields(2023, 11, 14, 21, 13, 20, 123), fixedZone(-60))).toBe(t);
  });
});

/**
 * The process zone cannot be switched reliably inside a Jest worker, so DST behaviour of
 * `local` is checked in child processes started with TZ set: the lib/time sources are
 * transpiled to a temporary directory and a script prints JSON results.
 */
describe('local zone across DST (child process with TZ set)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'eventgen-time-'));
    const src = join(__dirname, '../../../lib/time');
    for (const file of readdirSync(src).filter((f) => f.endsWith('.ts'))) {
      const out = ts.transpileModule(readFileSync(join(src, file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(join(dir, file.replace(/\.ts$/, '.js')), out.outputText);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function runIn(tz: string, body: string): Record<string, unknown> {
    const script = `
      const { LOCAL, offsetMinutesAt, wallToEpoch, wallFromFields } = require('./tz');
      const { compileStrftime } = require('./strftime');
      const { compileStrptime } = require('./strptime');
      const { parseRelativeTime } = require('./relative');
      const iso = (t) => new Date(t).toISOString();
      const rel = (s, now) => iso(parseRelativeTime(s).resolve(now, LOCAL));
      const out = {};
      ${body}
      process.stdout.write(JSON.stringify(out));`;
    writeFileSync(join(dir, 'run.js'), script);
    const stdout = execFileSync(process.execPath, [join(dir, 'run.js')], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  it('America/New_York: offsets, gap, overlap, formatting, parsing, relative times', () => {
    const r = runIn(
      'America/New_York',
      `
      // 2024-03-10 02:00 EST -> 03:00 EDT (07:00Z); 2024-11-03 02:00 EDT -> 01:00 EST (06:00Z)
      out.before = offsetMinutesAt(LOCAL, Date.UTC(2024, 2, 10, 6, 59, 59, 999));
      out.after = offsetMinutesAt(LOCAL, Date.UTC(2024, 2, 10, 7));
      out.gap = iso(wallToEpoch(wallFromFields(2024, 3, 10, 2, 30), LOCAL));
      out.overlap = iso(wallToEpoch(wallFromFields(2024, 11, 3, 1, 30), LOCAL));
      out.overlapLater = iso(wallToEpoch(wallFromFields(2024, 11, 3, 1, 30), LOCAL, -300));
      const f = compileStrftime('%Y-%m-%d %H:%M:%S %z %Z');
      out.fmtEst = f(Date.UTC(2024, 2, 10, 6, 59, 59), LOCAL);
      out.fmtEdt = f(Date.UTC(2024, 2, 10, 7), LOCAL);
      out.fmtFirst130 = f(Date.UTC(2024, 10, 3, 5, 30), LOCAL);
      out.fmtSecond130 = f(Date.UTC(2024, 10, 3, 6, 30), LOCAL);
      const p = compileStrptime('%Y-%m-%d %H:%M:%S');
      out.parseWinter = iso(p('2024-01-15 12:00:00', LOCAL));
      out.parseSummer = iso(p('2024-07-15 12:00:00', LOCAL));
      out.parseGap = iso(p('2024-03-10 02:30:00', LOCAL));
      // now = 2024-03-11 12:00 EDT (16:00Z)
      const now = Date.UTC(2024, 2, 11, 16);
      out.minus1d = rel('-1d', now);
      out.minus24h = rel('-24h', now);
      out.minus1dSnap = rel('-1d@d', now);
      out.snapDay = rel('@d', now);
      out.minus1mon = rel('-1mon', now);
      // now = 2024-11-03 01:30 EST (the second 01:30, 06:30Z)
      out.snapHourSecond = rel('@h', Date.UTC(2024, 10, 3, 6, 30));
      out.snapHourFirst = rel('@h', Date.UTC(2024, 10, 3, 5, 30));
      out.snapDayFallBack = rel('@d+3h', Date.UTC(2024, 10, 3, 12));
      `,
    );
    expect(r).toEqual({
      before: -300,
      after: -240,
      gap: '2024-03-10T07:30:00.000Z', // 02:30 does not exist: 03:30 EDT
      overlap: '2024-11-03T05:30:00.000Z', // the earlier 01:30 (EDT)
      overlapLater: '2024-11-03T06:30:00.000Z',
      fmtEst: '2024-03-10 01:59:59 -0500 EST',
      fmtEdt: '2024-03-10 03:00:00 -0400 EDT',
      fmtFirst130: '2024-11-03 01:30:00 -0400 EDT',
      fmtSecond130: '2024-11-03 01:30:00 -0500 EST',
      parseWinter: '2024-01-15T17:00:00.000Z',
      parseSummer: '2024-07-15T16:00:00.000Z',
      parseGap: '2024-03-10T07:30:00.000Z',
      minus1d: '2024-03-10T16:00:00.000Z', // 12:00 EDT the day before: calendar day, not 24 h
      minus24h: '2024-03-10T16:00:00.000Z', // here the same, since both are EDT at noon
      minus1dSnap: '2024-03-10T05:00:00.000Z', // midnight EST
      snapDay: '2024-03-11T04:00:00.000Z', // midnight EDT
      minus1mon: '2024-02-11T17:00:00.000Z', // 12:00 EST
      snapHourSecond: '2024-11-03T06:00:00.000Z', // 01:00 EST, not an hour and a half back
      snapHourFirst: '2024-11-03T05:00:00.000Z', // 01:00 EDT
      snapDayFallBack: '2024-11-03T07:00:00.000Z', // midnight EDT + 3 h = 02:00 EST
    });
  });

  it('-1d keeps the wall clock across the spring-forward night, -24h does not', () => {
    const r = runIn(
      'America/New_York',
      `
      const now = Date.UTC(2024, 2, 10, 16); // 12:00 EDT on the DST day
      out.minus1d = rel('-1d', now);
      out.minus24h = rel('-24h', now);
      out.plus1d = rel('+1d', Date.UTC(2024, 2, 9, 17)); // 12:00 EST the day before
      `,
    );
    expect(r).toEqual({
      minus1d: '2024-03-09T17:00:00.000Z', // 12:00 EST
      minus24h: '2024-03-09T16:00:00.000Z', // 11:00 EST
      plus1d: '2024-03-10T16:00:00.000Z', // 12:00 EDT
    });
  });

  it('Australia/Lord_Howe: a half-hour DST change in the middle of a UTC hour', () => {
    // 2024-10-06 02:00 +1030 -> 02:30 +1100, at 2024-10-05T15:30Z.
    const r = runIn(
      'Australia/Lord_Howe',
      `
      out.o1 = offsetMinutesAt(LOCAL, Date.UTC(2024, 9, 5, 15, 0));
      out.o2 = offsetMinutesAt(LOCAL, Date.UTC(2024, 9, 5, 15, 29, 59, 999));
      out.o3 = offsetMinutesAt(LOCAL, Date.UTC(2024, 9, 5, 15, 30));
      out.o4 = offsetMinutesAt(LOCAL, Date.UTC(2024, 9, 5, 15, 59));
      out.fmt = compileStrftime('%H:%M %z')(Date.UTC(2024, 9, 5, 15, 45), LOCAL);
      `,
    );
    expect(r).toEqual({ o1: 630, o2: 630, o3: 660, o4: 660, fmt: '02:45 +1100' });
  });
});
