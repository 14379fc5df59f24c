/**
 * Backfill and end in sample mode, through the CLI: the original's configs and assertions
 * (eventgen_sample_backfill, eventgen_sample_end) and the behaviour the original got wrong —
 * backfilled timestamps in the future (#338, #47), frozen backfill windows, `end` as a time
 * crashing (#393).
 */
import { join } from 'node:path';
import { corpusCopy, lines, NOW, NOW_MS, readLines, stampOf, type Run, generateOk, largeConf } from './support';

let work: ReturnType<typeof corpusCopy>;
beforeAll(() => {
  work = corpusCopy();
});
afterAll(() => work.cleanup());

const gen = (conf: string, ...extra: string[]): Promise<Run> => generateOk(work.dir, largeConf(conf), ...extra);

describe('backfill', () => {
  test('eventgen_sample_backfill: every timestamp after now − 16 s, and none in the future', async () => {
    const r = await gen('eventgen_sample_backfill', '--now', NOW);
    const ts = lines(r.stdout).map(stampOf);
    // 15 s of a 60-s interval's 12 events: its share, 3, spread over the 15 s.
    expect(ts).toHaveLength(3);
    for (const t of ts) {
      expect(t).toBeGreaterThan(NOW_MS - 16000);
      expect(t).toBeLessThanOrEqual(NOW_MS);
    }
  });

  test('on the real clock too: after now − 16 s and not after now', async () => {
    const before = Date.now();
    const r = await gen('eventgen_sample_backfill');
    const after = Date.now();
    for (const t of lines(r.stdout).map(stampOf)) {
      expect(t).toBeGreaterThan(before - 16000 - 1000);
      expect(t).toBeLessThanOrEqual(after);
    }
  });

  test('-2h covers the window evenly, interval by interval, then continues live', async () => {
    const r = await gen('eventgen_sample_backfill', '--now', NOW, '--backfill=-2h', '--interval', '600', '--end', '3');
    const ts = lines(r.stdout).map((l) => stampOf(l) - NOW_MS);
    const back = ts.filter((t) => t < 0);
    expect(back).toHaveLength(12 * 12);
    const per10m = new Map<number, number>();
    for (const t of back) per10m.set(Math.floor(t / 600000), (per10m.get(Math.floor(t / 600000)) ?? 0) + 1);
    expect([...per10m.keys()].sort((a, b) => a - b)).toEqual([-12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1]);
    for (const n of per10m.values()) expect(n).toBe(12);
    expect(Math.min(...back)).toBeGreaterThanOrEqual(-7200000);
    // Then end = 3 intervals in all (the backfill counts as one). The backfill covered the interval
    // ending now, so the live ticks are the next two: now + 10 min and now + 20 min.
    expect(ts.filter((t) => t >= 0).sort((a, b) => a - b)).toEqual([...Array(12).fill(600000), ...Array(12).fill(1200000)]);
  });
});

describe('end', () => {
  test('eventgen_sample_end: end = 1 writes the sample once', async () => {
    await gen('eventgen_sample_end', '--now', NOW);
    expect(readLines(join(work.dir, 'tests', 'large', 'results', 'eventgen_sample_end.result'))).toHaveLength(12);
  });

  test('end as a relative time or an ISO time stops on time', async () => {
    for (const end of ['+10m', '2024-01-01T00:10:00']) {
      const r = await gen('eventgen_sample', '--now', NOW, '--interval', '60', '--end', end);
      const ts = lines(r.stdout).map((l) => stampOf(l) - NOW_MS);
      expect(ts).toHaveLength(10 * 12);
      expect(Math.max(...ts)).toBeLessThanOrEqual(9 * 60000);
    }
  });

  test('end as a time on the real clock: the run lasts until then, not longer', async () => {
    const r = await gen('eventgen_sample', '--interval', '1', '--end', '+2s');
    expect(lines(r.stdout)).toHaveLength(2 * 12);
    // Intervals at +0 s and +1 s; the run then waits until +2 s instead of quitting after the
    // last interval, and stops then (process start-up and shut-down come on top).
    expect(r.closedAt - r.startedAt).toBeGreaterThanOrEqual(2000);
    expect(r.closedAt - r.lastOutputAt!).toBeGreaterThanOrEqual(700);
    expect(r.closedAt - r.firstOutputAt!).toBeLessThan(2600);
  });
});
