/**
 * Replay mode through the CLI on the original's replay configs (eventgen-reference §f): what
 * the original's tests asserted, plus the exact timeline where the original was wrong (the
 * off-by-one pacing of #440, frozen timestamps, timezone). Most runs use --now, so a 21-second
 * sample replays at once; one short sample is paced on the real clock.
 */
import { join } from 'node:path';
import { corpusCopy, lines, modinputData, modinputTimes, NOW, NOW_MS, readLines, runCli, scratch, stampOf, type Run, generateOk, largeConf } from './support';

let work: ReturnType<typeof corpusCopy>;
beforeAll(() => {
  work = corpusCopy();
});
afterAll(() => work.cleanup());

const gen = (conf: string, ...extra: string[]): Promise<Run> => generateOk(work.dir, largeConf(conf), ...extra);

/** Seconds after the sample's first event, for tests/large/sample/replay (12 events over 21 s). */
const SAMPLE_OFFSETS = [0, 1, 2, 3, 3, 4, 5, 6, 8, 20, 21, 21];

describe('the original replay tests', () => {
  test('eventgen_replay: 12 events, timestamps shifted to now with the sample\'s own gaps, tokens replaced', async () => {
    const r = await gen('eventgen_replay', '--now', NOW);
    const ls = lines(r.stdout);
    expect(ls).toHaveLength(12);
    expect(r.stdout).not.toContain('@@integer');
    ls.forEach((l, i) => expect(l).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} WINDBAG Event ${i + 1} of 12 randint ([0-9]|10)$`)));
    // No off-by-one (the original printed events 1 and 2 at the same second) and no frozen time.
    expect(ls.map((l) => (stampOf(l) - NOW_MS) / 1000)).toEqual(SAMPLE_OFFSETS);
  });

  test('eventgen_replay_end_1: end = 2 passes, back to back with interval = 0', async () => {
    const r = await gen('eventgen_replay_end_1', '--now', NOW);
    const ls = lines(r.stdout);
    expect(ls).toHaveLength(24);
    expect(ls.map((l) => (stampOf(l) - NOW_MS) / 1000)).toEqual([...SAMPLE_OFFSETS, ...SAMPLE_OFFSETS.map((o) => o + 21)]);
  });

  test('eventgen_replay_end_2: end = -1 keeps replaying until stopped', async () => {
    const r = await runCli(['generate', join('tests', 'large', 'conf', 'eventgen_replay_end_2.conf')], work.dir, { killAfterOutputMs: 2500 });
    // Still running when the test stopped it 2.5 s after the first event (SIGTERM: a clean stop),
    // with the events due by then out (at 0, 1 and 2 s).
    expect(r.signal === 'SIGTERM' || r.code === 0).toBe(true);
    const ls = lines(r.stdout);
    expect(ls.length).toBeGreaterThanOrEqual(3);
    expect(ls.length).toBeLessThan(12);
  });

  test('eventgen_replay_backfill: 24 + 3 backfilled events, the backfilled ones in the last 5 s', async () => {
    const r = await gen('eventgen_replay_backfill', '--now', NOW);
    const times = lines(r.stdout).map((l) => stampOf(l) - NOW_MS);
    expect(times).toHaveLength(27);
    expect(times.slice(0, 3)).toEqual([-1000, 0, 0]);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
  });

  test('eventgen_replay_backfill_greater_interval: 60 + 5 + 24 events; the history never in the future', async () => {
    await gen('eventgen_replay_backfill_greater_interval', '--now', NOW);
    const ls = readLines(join(work.dir, 'tests', 'large', 'results', 'eventgen_replay_backfill.result'));
    expect(ls).toHaveLength(89);
    const times = ls.map((l) => stampOf(l) - NOW_MS);
    for (const t of times.slice(0, 65)) {
      expect(t).toBeLessThanOrEqual(0);
      expect(t).toBeGreaterThanOrEqual(-120000);
    }
    expect(Math.max(...times)).toBeLessThanOrEqual(42000);
  });

  test('eventgen_tutorial1: a 2020-row CSV with five timestamp formats, timeMultiple 0.1 → 2019 events', async () => {
    await gen('eventgen_tutorial1', '--now', NOW);
    const ls = readLines(join(work.dir, 'tests', 'large', 'results', 'eventgen_tutorial1.result'));
    expect(ls).toHaveLength(2019);
  });

  test('eventgen_replay_timeMultiple: gaps × 0.5, exactly (modinput <time>), all before now + 14 s', async () => {
    // The original ended this stanza after one pass because it sets sampleDir (its implicit end = 1).
    const r = await gen('eventgen_replay_timeMultiple', '--now', NOW, '--end', '1', '--output', 'modinput');
    const times = modinputTimes(r.stdout).map((t) => t - NOW_MS);
    expect(times).toEqual(SAMPLE_OFFSETS.map((o) => o * 500));
    for (const t of times) expect(t).toBeLessThan(14000);
    // Each event's text carries its own time, not the first event's.
    modinputData(r.stdout).forEach((d, i) => expect(stampOf(d)).toBe(NOW_MS + Math.floor(times[i] / 1000) * 1000));
  });

  test('eventgen_replay_csv: CSV with timeField = _time → 10 lines', async () => {
    const r = await gen('eventgen_replay_csv', '--now', NOW);
    expect(lines(r.stdout)).toHaveLength(10);
  });

  test('eventgen_replay_csv_with_tz: 4 events, each within 60 s of now − 1 h (timezone = -0100)', async () => {
    const r = await gen('eventgen_replay_csv_with_tz', '--now', NOW, '--end', '1');
    const ls = lines(r.stdout);
    expect(ls).toHaveLength(4);
    for (const l of ls) expect(Math.abs(stampOf(l) - (NOW_MS - 3600000))).toBeLessThanOrEqual(60000);
  });

  test('timezone with the real clock: the text shows the zone\'s wall time', async () => {
    const before = Date.now();
    const r = await runCli(['generate', join('tests', 'large', 'conf', 'eventgen_replay_csv_with_tz.conf'), '--end', '1'], work.dir);
    for (const l of lines(r.stdout)) {
      const shown = stampOf(l);
      expect(shown).toBeGreaterThanOrEqual(before - 3600000 - 1000);
      expect(shown).toBeLessThanOrEqual(Date.now() - 3600000 + 1000);
    }
  });
});

describe('replay pacing', () => {
  const conf = `[pace]
sampleDir = .
mode = replay
end = 1
interval = 0
timeMultiple = TM
outputMode = OUT
token.0.token = \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}
token.0.replacementType = replaytimestamp
token.0.replacement = %Y-%m-%d %H:%M:%S.%f
`;
  const sample = ['00:00:00.000', '00:00:00.200', '00:00:00.700', '00:00:00.700', '00:00:01.000', '00:00:01.400', '00:00:01.450'].map((t, i) => `2015-06-01 ${t} e${i}`).join('\n') + '\n';
  const offsets = [0, 200, 700, 700, 1000, 1400, 1450];

  test('on the simulated clock the gaps are exact, for any timeMultiple', async () => {
    for (const tm of ['1', '0.25', '3']) {
      const s = scratch({ pace: sample, 'eventgen.conf': conf.replace('TM', tm).replace('OUT', 'modinput') });
      try {
        const r = await runCli(['generate', 'eventgen.conf', '--now', NOW], s.dir);
        expect(r.code).toBe(0);
        expect(modinputTimes(r.stdout).map((t) => t - NOW_MS)).toEqual(offsets.map((o) => Math.round(o * Number(tm))));
      } finally {
        s.cleanup();
      }
    }
  });

  test('on the real clock each event arrives its gap after the previous one (within 50 ms)', async () => {
    const s = scratch({ pace: sample, 'eventgen.conf': conf.replace('TM', '1').replace('OUT', 'stdout') });
    try {
      const { spawn } = await import('node:child_process');
      const arrivals: Array<[number, string]> = [];
      await new Promise<void>((done, fail) => {
        const child = spawn(process.execPath, [join(__dirname, '../../../bin/eventgen'), 'generate', 'eventgen.conf'], { cwd: s.dir, env: { ...process.env, TZ: 'UTC' } });
        let buf = '';
        child.stdout.on('data', (b: Buffer) => {
          const at = performance.now();
          buf += b.toString('utf8');
          for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
            arrivals.push([at, buf.slice(0, i)]);
            buf = buf.slice(i + 1);
          }
        });
        child.on('error', fail);
        child.on('close', () => done());
      });
      expect(arrivals).toHaveLength(7);
      const rel = arrivals.map(([t]) => t - arrivals[0][0]);
      offsets.forEach((o, i) => expect(Math.abs(rel[i] - o)).toBeLessThanOrEqual(50));
      // The text shows the same gaps (the event's own time, to the millisecond).
      const shown = arrivals.map(([, l]) => stampOf(l));
      offsets.forEach((o, i) => expect(shown[i] - shown[0]).toBe(o));
    } finally {
      s.cleanup();
    }
  });
});
