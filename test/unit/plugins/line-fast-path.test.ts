/**
 * The default generator's line fast path (used for stdout, file and devnull) must write exactly
 * what encodeLines(generate(job)) writes, batch for batch and with the same random draws —
 * otherwise --seed output would depend on the output plugin or the thread that ran the job.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRegistry } from '../../../lib/plugins/builtin';
import { loadStandaloneSource } from '../../../lib/conf/sources';
import { resolveSamples } from '../../../lib/conf/resolve';
import { isLineRenderer, RENDER_LINES } from '../../../lib/plugins/generator/default';
import { encodeLines } from '../../../lib/plugins/output/stdout';
import { Random } from '../../../lib/util/random';
import type { EventRecord, GenerationJob, SampleSpec } from '../../../lib/plugins/api';
import { flatString } from '../../../lib/tokens/template';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eg-fastpath-'));
  writeFileSync(join(dir, 'hosts.txt'), 'alpha\nbeta\ngamma\n');
  writeFileSync(join(dir, 'w1.sample'), '2026-11-27 10:00:00 host=web-042 level=INFO user_id=@@uid latency_ms=@@lat bytes=@@bytes msg="GET /api" pad=xxxx\n');
  // Trailing whitespace, a token at the very end, non-ASCII text, and overlapping tokens.
  writeFileSync(join(dir, 'mixed.sample'), 'café ☕ 2026-11-27 10:00:00 value=@@v   \nend token @@v\nabc def 2026-11-27 10:00:00\n\u{1F600} @@v\t\n');
  writeFileSync(
    join(dir, 'eventgen.conf'),
    [
      '[w1\\.sample]',
      'token.0.token = \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}',
      'token.0.replacementType = timestamp',
      'token.0.replacement = %Y-%m-%d %H:%M:%S',
      ...['uid', 'lat', 'bytes'].flatMap((t, i) => [`token.${i + 1}.token = @@${t}`, `token.${i + 1}.replacementType = random`, `token.${i + 1}.replacement = integer[0:100000]`]),
      '',
      '[mixed\\.sample]',
      'randomizeEvents = true',
      'extendIndexes = idx:3, other',
      'host = web-1',
      'host.token = web',
      'host.replacement = hosts.txt',
      'token.0.token = \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}',
      'token.0.replacementType = timestamp',
      'token.0.replacement = %Y-%m-%d %H:%M:%S.%f',
      'token.1.token = @@v',
      'token.1.replacementType = random',
      'token.1.replacement = list["a b ", "ü", "x"]',
      'token.2.token = abc',
      'token.2.replacementType = static',
      'token.2.replacement = xyz',
      'token.3.token = \\S+ def',
      'token.3.replacementType = static',
      'token.3.replacement = Q',
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function samples(): SampleSpec[] {
  const reg = builtinRegistry();
  const { source } = loadStandaloneSource(join(dir, 'eventgen.conf'));
  const r = resolveSamples([source], { schema: reg.schema, generatorNeedsFile: () => true, overrides: {} });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.samples;
}

function jobOf(sample: SampleSpec, seq: number, count: number): GenerationJob {
  const now = Date.UTC(2026, 10, 27, 10, 0, 0);
  return { sampleId: sample.id, seq, count, earliest: now - 5000, latest: now, now, eventOffset: seq * count, intervalOffset: 3, intervalCount: count * 2 };
}

describe('default generator line fast path', () => {
  test.each([
    ['w1', 1000, 300],
    ['w1', 1000, 1000],
    ['mixed', 997, 100],
    ['mixed', 10, 3],
  ])('%s: %i events in batches of %i equal encodeLines(generate()) in both transports', (name, count, batch) => {
    const sample = samples().find((s) => s.id.includes(name))!;
    const gen = builtinRegistry().get('generator', 'default')!.plugin.create(sample, { log: console });
    expect(isLineRenderer(gen)).toBe(true);
    if (!isLineRenderer(gen)) return;
    for (const seq of [0, 7]) {
      const job = jobOf(sample, seq, count);
      const events = gen.generate!(job, { random: new Random([1, sample.id, seq]), log: console }) as EventRecord[];
      const expected: string[] = [];
      for (let i = 0; i < events.length; i += batch) expected.push(encodeLines(events.slice(i, i + batch)));
      for (const as of ['bytes', 'string'] as const) {
        const r = gen[RENDER_LINES](job, { random: new Random([1, sample.id, seq]), log: console }, batch, as);
        expect(r.counts).toEqual(expected.map((_, i) => Math.min(batch, count - i * batch)));
        expect(r.encoded.map((e) => (typeof e === 'string' ? e : Buffer.from(e).toString('utf8')))).toEqual(expected);
        if (as === 'bytes') expect(r.buffer).toBeInstanceOf(ArrayBuffer);
      }
    }
  });

  test('templates and their line pieces are flat copies with the same characters', () => {
    const weird = 'a\uD800b' + 'é'.repeat(3);
    expect(flatString(weird)).toBe(weird);
    expect(flatString('')).toBe('');
  });
});
