/**
 * The original's sample-mode functional tests (eventgen-reference §f), run on its own configs
 * and samples through our CLI. Each asserts what the original's test asserted; most use a
 * simulated clock (--now) so time windows can be checked exactly, and a few use the real clock.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, corpusWorkdir, runCli, utcMs, type CliResult } from '../../helpers/cli';

const NOW = '2026-01-01T00:00:00Z';
const NOW_MS = Date.parse(NOW);
const TS = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})/;
const env = { TZ: 'UTC' };

let work: ReturnType<typeof corpusWorkdir>;
beforeAll(() => {
  work = corpusWorkdir();
});
afterAll(() => work.cleanup());

function conf(name: string): string {
  return join('tests', 'large', 'conf', `${name}.conf`);
}
function result(name: string): string {
  return readFileSync(join(work.dir, 'tests', 'large', 'results', name), 'utf8');
}
async function gen(name: string, ...extra: string[]): Promise<CliResult> {
  const r = await runCli(['generate', conf(name), ...extra], { cwd: work.dir, env });
  if (r.code !== 0) throw new Error(`eventgen ${name} exited ${r.code}: ${r.stderr}`);
  return r;
}
function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}
function stamps(ls: string[]): number[] {
  return ls.map((l) => {
    const m = TS.exec(l);
    if (!m) throw new Error(`no timestamp at the start of ${JSON.stringify(l)}`);
    return utcMs(m[1]);
  });
}

describe('sample mode, as the original tests it', () => {
  test('eventgen_sample: 12 events, tokens replaced, timestamps in the last 15 s', async () => {
    const r = await gen('eventgen_sample', '--now', NOW);
    const ls = lines(r.stdout);
    expect(ls).toHaveLength(12);
    expect(r.stdout).not.toContain('@@integer');
    for (const t of stamps(ls)) {
      expect(t).toBeGreaterThanOrEqual(NOW_MS - 15000);
      expect(t).toBeLessThanOrEqual(NOW_MS);
    }
    ls.forEach((l, i) => expect(l).toMatch(new RegExp(`WINDBAG Event ${i + 1} of 12 randint ([0-9]|10)$`)));
  });

  test('eventgen_sample on the real clock: timestamps within 20 s of now', async () => {
    const before = Date.now();
    const r = await gen('eventgen_sample');
    const ls = lines(r.stdout);
    expect(ls).toHaveLength(12);
    for (const t of stamps(ls)) {
      expect(t).toBeGreaterThan(before - 20000);
      expect(t).toBeLessThanOrEqual(Date.now());
    }
  });

  test('eventgen_sample_csv: the 10 rows of a CSV sample', async () => {
    const r = await gen('eventgen_sample_csv', '--now', NOW);
    expect(lines(r.stdout)).toHaveLength(10);
    expect(r.stdout).not.toContain('@@integer');
  });

  test('eventgen_sample_count: count = 5', async () => {
    const r = await gen('eventgen_sample_count', '--now', NOW);
    expect(lines(r.stdout)).toHaveLength(5);
  });

  test.each([
    ['eventgen_sample_regex_integer', 24],
    ['eventgen_sample_regex_wildcard', 36],
    ['eventgen_sample_regex_csv', 30],
  ])('%s: stanza regexes select %i events worth of files', async (name, n) => {
    const r = await gen(name, '--now', NOW);
    expect(lines(r.stdout)).toHaveLength(n);
  });

  test('eventgen_sample_end: end = 1 writes the sample once to the file', async () => {
    await gen('eventgen_sample_end', '--now', NOW);
    expect(lines(result('eventgen_sample_end.result'))).toHaveLength(12);
  });

  test('eventgen_sample_earliest / latest: windows of -15s and +15s', async () => {
    await gen('eventgen_sample_earliest', '--now', NOW);
    for (const t of stamps(lines(result('eventgen_sample_earliest.result')))) expect(t).toBeGreaterThanOrEqual(NOW_MS - 15000);
    await gen('eventgen_sample_latest', '--now', NOW);
    const late = stamps(lines(result('eventgen_sample_latest.result')));
    for (const t of late) {
      expect(t).toBeGreaterThanOrEqual(NOW_MS);
      expect(t).toBeLessThanOrEqual(NOW_MS + 15000);
    }
  });

  test('eventgen_sample_breaker: 3 multi-line events cut at the breaker', async () => {
    await gen('eventgen_sample_breaker', '--now', NOW);
    const text = result('eventgen_sample_breaker.result');
    const events = text.split(/\n(?=\d{14}\.\d{6})/).filter((e) => e.trim() !== '');
    expect(events).toHaveLength(3);
    for (const e of events) {
      const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.\d{6}\n/.exec(e);
      expect(m).not.toBeNull();
      const t = Date.UTC(+m![1], +m![2] - 1, +m![3], +m![4], +m![5], +m![6]);
      expect(t).toBeGreaterThanOrEqual(NOW_MS - 3000);
      expect(t).toBeLessThanOrEqual(NOW_MS);
      expect(e.trimEnd().split('\n').length).toBeGreaterThan(1);
    }
  });

  test('eventgen_sample_generatorWorkers: 10 events × 5 intervals = 50, whatever the workers', async () => {
    await gen('eventgen_sample_generatorWorkers', '--now', NOW);
    const ts = stamps(lines(result('eventgen_sample_generatorWorkers.result')));
    expect(ts).toHaveLength(50);
    // interval = 20: the five intervals' timestamps are 20 s apart.
    const intervals = new Set(ts.map((t) => Math.floor((t - NOW_MS + 60000) / 20000)));
    expect(intervals.size).toBeGreaterThanOrEqual(4);
  });

  test('eventgen_sample_interval: 3 intervals of 12 events, 10 s apart (simulated clock)', async () => {
    await gen('eventgen_sample_interval', '--now', NOW, '--end', '3');
    const ts = stamps(lines(result('eventgen_sample_interval.result')));
    expect(ts).toHaveLength(36);
    for (let k = 0; k < 3; k++) for (const t of ts.slice(k * 12, k * 12 + 12)) expect(t).toBe(NOW_MS + k * 10000);
  });

  test('eventgen_sample_interval on the real clock: SIGTERM flushes whole intervals and exits 0', async () => {
    rmSync(join(work.dir, 'tests', 'large', 'results', 'eventgen_sample_interval.result'), { force: true });
    const r = await runCli(['generate', conf('eventgen_sample_interval'), '--interval', '1'], { cwd: work.dir, env, killAfterMs: 2500 });
    expect(r.code).toBe(0);
    const ls = lines(result('eventgen_sample_interval.result'));
    // Intervals at 0 s, 1 s and 2 s (3, possibly 2 on a slow start), each complete.
    expect([24, 36]).toContain(ls.length);
    expect(ls.every((l) => /WINDBAG Event \d+ of 12 randint \d+$/.test(l))).toBe(true);
  });

  test('eventgen_plugin_file / devnull / spool: 12, 0 and 12 events', async () => {
    await gen('eventgen_plugin_file', '--now', NOW);
    expect(lines(result('eventgen_plugin_file.result'))).toHaveLength(12);
    const dn = await gen('eventgen_plugin_devnull', '--now', NOW);
    expect(dn.stdout).toBe('');
    await gen('eventgen_plugin_spool', '--now', NOW);
    expect(lines(result('eventgen_spool_test.result'))).toHaveLength(12);
  });

  test('eventgen_output_modinput: XML events with the original\'s child order and metadata', async () => {
    const before = Date.now();
    const r = await gen('eventgen_output_modinput');
    expect(r.stdout.startsWith('<stream>\n')).toBe(true);
    expect(r.stdout.endsWith('</stream>\n')).toBe(true);
    const events = [...r.stdout.matchAll(/<event>(.*?)<\/event>/gs)].map((m) => m[1]);
    expect(events).toHaveLength(12);
    for (const e of events) {
      const m = /^<time>(\d+)<\/time><index>main<\/index><source>eventgen<\/source><sourcetype>eventgen<\/sourcetype><host>127\.0\.0\.1<\/host><data>(.*)<\/data>$/s.exec(e);
      expect(m).not.toBeNull();
      const time = Number(m![1]) * 1000;
      expect(Math.abs(time - before)).toBeLessThan(30000);
      // The data starts with the event's own time, formatted.
      expect(utcMs(TS.exec(m![2])![1])).toBe(time);
      expect(m![2]).toMatch(/WINDBAG Event (\d+) of 12 randint (\d+)/);
    }
  });

  test('eventgen_sample_multiprocess: 12 events', async () => {
    const r = await gen('eventgen_sample_multiprocess', '--now', NOW);
    expect(lines(r.stdout)).toHaveLength(12);
  });
});

describe('eventgen_token_replacement: every token type on a JSON sample', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON events, checked field by field below
  let events: Array<Record<string, any>>;
  beforeAll(async () => {
    const r = await gen('eventgen_token_replacement', '--now', NOW);
    events = lines(r.stdout).map((l) => JSON.parse(l));
  });
  const column = (file: string, col?: number) =>
    new Set(readFileSync(join(work.dir, 'tests', 'large', 'sample', file), 'utf8').split(/\r?\n/).filter(Boolean).map((l) => (col ? l.split(',')[col - 1] : l.trim())));

  test('10 events that parse as JSON, receiver_id counting 1..10', () => {
    expect(events).toHaveLength(10);
    expect(events.map((e) => e.ppcustomdata.receiver_id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  });
  test('file tokens draw from their files; static and random forms are well-formed', () => {
    const ids = column('id.csv');
    const cps = column('cp.csv');
    const ips = column('ip.csv');
    for (const e of events) {
      expect(ids.has(e.id)).toBe(true);
      expect(cps.has(e.cp)).toBe(true);
      expect(ips.has(e.message.cliIP)).toBe(true);
      expect(e.netPerf.lastByte).toBe('0');
      const bytes = Number(e.message.bytes);
      expect(Number.isInteger(bytes) && bytes >= 40 && bytes <= 5000).toBe(true);
      expect(e.netPerf.lastMileRTT).toMatch(/^-?\d\.\d$/);
      expect(Math.abs(Number(e.netPerf.lastMileRTT))).toBeLessThanOrEqual(3);
      expect(e.akadebug.Ak_IP).toMatch(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
      expect(e.akadebug.Ak_IP.split('.').every((o: string) => Number(o) <= 255)).toBe(true);
      expect(e.akadebug['forward-origin-ip']).toMatch(/^[0-9a-f]{1,4}(:[0-9a-f]{1,4}){7}$/);
      expect(e.akadebug['end-user-ip']).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    }
  });
  test('columns of one file come from one row (mvfile)', () => {
    const rows = readFileSync(join(work.dir, 'tests', 'large', 'sample', 'city.csv'), 'utf8').split(/\r?\n/).filter(Boolean).map((l) => l.split(','));
    const keys = new Set(rows.map((r) => [r[0], r[1], r[3], r[4]].join('|')));
    for (const e of events) expect(keys.has([e.geo.country, e.geo.city, e.geo.lat, e.geo.long].join('|'))).toBe(true);
  });
  test('%s is the full epoch of the event (the original dropped trailing zeros)', () => {
    for (const e of events) {
      const [sec] = String(e.start).split('.');
      expect(sec).toMatch(/^\d{10}$/);
      expect(Number(sec) * 1000).toBeLessThanOrEqual(NOW_MS);
      expect(Number(sec) * 1000).toBeGreaterThan(NOW_MS - 60000);
    }
  });
});

describe('determinism', () => {
  test('same --seed and --now: byte-identical; another seed: different', async () => {
    const a = await gen('eventgen_token_replacement', '--now', NOW, '--seed', '42');
    const b = await gen('eventgen_token_replacement', '--now', NOW, '--seed', '42');
    const c = await gen('eventgen_token_replacement', '--now', NOW, '--seed', '43');
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.length).toBeGreaterThan(1000);
    expect(c.stdout).not.toBe(a.stdout);
  });
  test('byte-identical whatever the number of worker threads', async () => {
    const one = await gen('eventgen_sample', '--now', NOW, '--seed', '7', '-c', '30000', '--workers', '1');
    const two = await gen('eventgen_sample', '--now', NOW, '--seed', '7', '-c', '30000', '--workers', '2');
    expect(lines(one.stdout)).toHaveLength(30000);
    expect(two.stdout).toBe(one.stdout);
  });
});

test('windbag.end: interval = -1 runs like 0 (5 runs back to back, 25 events); an unsigned backfill is an error naming the fix', async () => {
  const r = await runCli(['generate', join(CORPUS, 'tests', 'sample_eventgen_conf', 'windbag', 'eventgen.conf.windbag.end'), '--now', NOW], { cwd: work.dir, env });
  expect(r.code).toBe(1); // the [windbag2] stanza is skipped
  const ls = lines(r.stdout);
  expect(ls).toHaveLength(25);
  for (const [i, l] of ls.entries()) expect(l).toMatch(new RegExp(`WINDBAG Event ${(i % 5) + 1} of 5$`));
  expect(r.stderr).toContain('[windbag] interval = "-1": interval is below 0: treated as 0');
  expect(r.stderr).toContain('[windbag2] backfill = "1m": backfill "1m" is not a Splunk time: a relative time needs a sign: -1m (in the past) or +1m (in the future). This stanza is skipped.');
});
