/**
 * perDayVolume through the CLI. The original's test ran each config for 300 s and accepted
 * ±2% of 1 GB/day extrapolated; here the simulated clock runs whole intervals (and a whole day)
 * in seconds, and the volume is checked against the exact target.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { corpusCopy, NOW, scratch, generateOk } from './support';

const GIB = 1024 ** 3;

let work: ReturnType<typeof corpusCopy>;
beforeAll(() => {
  work = corpusCopy();
});
afterAll(() => work.cleanup());

const gen = generateOk;

/** Bytes in a file and its rotated copies. */
function fileBytes(dir: string, name: string): number {
  return readdirSync(dir)
    .filter((f) => f === name || f.startsWith(`${name}.`))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

describe('the original perDayVolume configs (1 GB/day, interval 60)', () => {
  test.each(['eventgen_perdayvolume', 'eventgen_perdayvolume_small_token', 'eventgen_perdayvolume_large_token'])('%s: 5 intervals hold 5/1440 of a GiB (±2%%, counted after token replacement)', async (conf) => {
    const results = join(work.dir, 'tests', 'large', 'results');
    await gen(work.dir, join('tests', 'large', 'conf', `${conf}.conf`), '--now', NOW, '--end', '5');
    const bytes = fileBytes(results, 'eventgen_perdayvolume.result');
    for (const f of readdirSync(results)) if (f.startsWith('eventgen_perdayvolume.result')) rmSync(join(results, f));
    const want = (5 * GIB) / 1440;
    expect(Math.abs(bytes - want) / want).toBeLessThan(0.02);
    // In fact within a few events.
    expect(Math.abs(bytes - want)).toBeLessThan(500);
  });

  test('perdayvolumesinglerun (interval 0: the whole day at once, 0.01 GB) to stdout', async () => {
    const r = await gen(join(work.dir, 'tests', 'sample_eventgen_conf', 'perdayvolume'), 'eventgen.conf.perdayvolumesinglerun', '--now', NOW);
    const want = 0.01 * GIB;
    expect(Math.abs(Buffer.byteLength(r.stdout) - want) / want).toBeLessThan(0.02);
  });
});

describe('a simulated day', () => {
  const hours = [0.2, 0.2, 0.2, 0.2, 0.3, 0.5, 0.8, 1.2, 1.6, 1.8, 1.8, 1.7, 1.5, 1.7, 1.8, 1.7, 1.5, 1.2, 0.9, 0.7, 0.6, 0.5, 0.4, 0.3];
  const conf = (sampleDir: string) => `[sample]
sampleDir = ${sampleDir}
perDayVolume = 0.01
outputMode = file
fileName = out.log
fileMaxBytes = 0
timezone = +0000
hourOfDayRate = ${JSON.stringify(Object.fromEntries(hours.map((r, h) => [String(h), r])))}
token.0.token = \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}
token.0.replacementType = timestamp
token.0.replacement = %Y-%m-%d %H:%M:%S
token.1.token = @@integer
token.1.replacementType = random
token.1.replacement = integer[0:10]
`;

  test('lands within 2% of the daily volume, with the hourly shape of hourOfDayRate', async () => {
    const s = scratch({ 'eventgen.conf': conf(join(work.dir, 'tests', 'large', 'sample')) });
    try {
      await gen(s.dir, 'eventgen.conf', '--now', NOW, '--end', '+1d');
      const text = readFileSync(join(s.dir, 'out.log'), 'utf8');
      const want = 0.01 * GIB;
      const total = Buffer.byteLength(text);
      expect(Math.abs(total - want) / want).toBeLessThan(0.02);
      const perHour = new Array<number>(24).fill(0);
      let otherDay = 0;
      for (const line of text.split('\n')) {
        if (!line) continue;
        if (!line.startsWith('2024-01-01 ')) otherDay++;
        perHour[Number(line.slice(11, 13))] += Buffer.byteLength(line) + 1;
      }
      expect(otherDay).toBe(0);
      const mean = hours.reduce((a, b) => a + b, 0) / 24;
      perHour.forEach((b, h) => {
        const expected = (want / 24) * (hours[h] / mean);
        expect(Math.abs(b - expected) / expected).toBeLessThan(0.02);
      });
    } finally {
      s.cleanup();
    }
  });
});
