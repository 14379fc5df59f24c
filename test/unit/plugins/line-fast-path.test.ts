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
import { ByteSink, writeInt } from '../../../lib/tokens/bytes';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eg-fastpath-'));
  writeFileSync(join(dir, 'hosts.txt'), 'alpha\nbeta\ngamma\n');
  // Numbers longer than any int32 in a short line: the job's buffer fills up with them.
  writeFileSync(join(dir, 'bigint.sample'), 'id=@@ID xxxxxxxxxxxxxxx\n');
  writeFileSync(join(dir, 'cities.csv'), 'Zürich,CH,8000\nOslo,NO,0150\n' + `${'Long'.repeat(3000)},XX,1\n`);
  // Every kind of token value the byte writer handles, a token used twice in one line, integers
  // outside int32 and negative, and a line long enough to make the job's buffer grow.
  writeFileSync(join(dir, 'kinds.sample'), 'T=@@ts R=@@rt I=@@id N=@@neg B=@@big P=@@ip S=@@st L=@@ls C=@@city/@@cc/@@city Q=@@seq F=@@host U=@@g X=@@fl @@ts again=@@big/@@ip/@@neg end\n');
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
      '[windbag]',
      'generator = windbag',
      '',
      '[bigint\\.sample]',
      'token.0.token = @@ID',
      'token.0.replacementType = random',
      'token.0.replacement = integer[1600000000000:1700000000000]',
      '',
      '[kinds\\.sample]',
      ...[
        ['@@ts', 'timestamp', '%Y-%m-%dT%H:%M:%S %b %a'],
        ['@@rt', 'replaytimestamp', '%s'],
        ['@@id', 'integerid', '41'],
        ['@@neg', 'random', 'integer[-2147483648:-2147483000]'],
        ['@@big', 'random', 'integer[0:99999999999999]'],
        ['@@ip', 'random', 'ipv4'],
        ['@@st', 'static', 'Grüße ☕'],
        ['@@ls', 'random', 'list["é", "", "long value"]'],
        ['@@city', 'mvfile', 'cities.csv:1'],
        ['@@cc', 'mvfile', 'cities.csv:2'],
        ['@@seq', 'seqfile', 'cities.csv:3'],
        ['@@host', 'file', 'hosts.txt'],
        ['@@g', 'random', 'guid'],
        ['@@fl', 'random', 'float[0.5:9.25]'],
      ].flatMap(([t, type, r], i) => [`token.${i}.token = ${t}`, `token.${i}.replacementType = ${type}`, `token.${i}.replacement = ${r}`]),
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function samples(): SampleSpec[] {
  const reg = builtinRegistry();
  const { source } = loadStandaloneSource(join(dir, 'eventgen.conf'));
  const r = resolveSamples([source], { schema: reg.schema, generatorNeedsFile: (n) => n !== 'windbag', overrides: {} });
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
    ['kinds', 500, 64],
    ['bigint', 4000, 1000],
    ['bigint', 2200, 2200],
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

  test('lines that end exactly at, or just past, the end of the buffer come out whole (any buffer size)', () => {
    const sample = samples().find((x) => x.id.includes('bigint'))!;
    const gen = builtinRegistry().get('generator', 'default')!.plugin.create(sample, { log: console });
    if (!isLineRenderer(gen)) throw new Error('no line renderer');
    const job = jobOf(sample, 0, 300);
    const events = gen.generate!(job, { random: new Random([1, sample.id, 0]), log: console }) as EventRecord[];
    const expected = encodeLines(events);
    // Buffers a few bytes larger than asked: somewhere in 0…40 the room left before an event is
    // less than its line (33 bytes here), which must grow the buffer, not write past it.
    for (let slack = 0; slack <= 40; slack++) {
      const r = gen[RENDER_LINES](job, { random: new Random([1, sample.id, 0]), log: console }, 1000, 'bytes', (n) => Buffer.alloc(n + slack));
      expect(Buffer.from(r.encoded[0] as Uint8Array).toString('utf8')).toBe(expected);
    }
  });

  test('windbag: its byte lines equal encodeLines(generate()), fractions of a second and all', () => {
    const sample = samples().find((x) => x.id.includes('windbag'))!;
    const gen = builtinRegistry().get('generator', 'windbag')!.plugin.create(sample, { log: console });
    if (!isLineRenderer(gen)) throw new Error('windbag has no line renderer');
    const now = Date.UTC(2026, 10, 27, 10, 0, 0);
    // Windows that give whole seconds, microseconds, and fractions that round up to a second.
    const windows: Array<[number, number]> = [[now - 60_000, now], [now - 7, now], [now - 2000, now - 0.0004], [now, now], [now - 86_400_000, now - 3]];
    for (const [earliest, latest] of windows) {
      for (const [count, offset, total, batch] of [[997, 0, 997, 100], [250, 500, 1000, 64], [3, 0, 0, 1]]) {
        const job = { sampleId: sample.id, seq: 0, count, earliest, latest, now, eventOffset: offset, intervalOffset: offset, intervalCount: total };
        const ctx = { random: new Random(1), log: console };
        const events = gen.generate!(job, ctx) as EventRecord[];
        const expected: string[] = [];
        for (let i = 0; i < events.length; i += batch) expected.push(encodeLines(events.slice(i, i + batch)));
        for (const as of ['bytes', 'string'] as const) {
          const r = gen[RENDER_LINES](job, ctx, batch, as);
          expect(r.encoded.map((e) => (typeof e === 'string' ? e : Buffer.from(e).toString('utf8')))).toEqual(expected);
          expect(r.counts).toEqual(expected.map((_, i) => Math.min(batch, count - i * batch)));
        }
      }
    }
  });

  test('templates and their line pieces are flat copies with the same characters', () => {
    const weird = 'a\uD800b' + 'é'.repeat(3);
    expect(flatString(weird)).toBe(weird);
    expect(flatString('')).toBe('');
  });
});

describe('byte writer', () => {
  test('writeInt writes exactly what String() writes', () => {
    const values = [0, 1, 9, 10, 99, 100, 101, 999, 1000, 65535, 100000, 999999, 1000000, 2147483647, -1, -10, -99, -100, -2147483647, -2147483648, 2147483648, -2147483649, 2 ** 53 - 1, -(2 ** 53), 1e21, 0.5, -0];
    for (let d = 1; d < 2147483647; d = d * 7 + 3) values.push(d, -d);
    const buf = Buffer.alloc(64);
    for (const v of values) {
      buf.fill(0);
      const end = writeInt(buf, 3, v);
      expect(buf.toString('latin1', 3, end)).toBe(String(v));
    }
  });

  test('padded writes milliseconds as %f shows them', () => {
    const sink = new ByteSink(8, (n) => Buffer.alloc(n));
    for (let ms = 0; ms < 1000; ms++) sink.padded(ms * 1000, 6);
    const text = sink.buf.toString('latin1', 0, sink.pos);
    for (let ms = 0; ms < 1000; ms++) expect(text.slice(ms * 6, ms * 6 + 6)).toBe(String(ms * 1000).padStart(6, '0'));
  });

  test('the sink grows as it is written and keeps what was written before', () => {
    const sink = new ByteSink(10, (n) => Buffer.alloc(n));
    const expected: string[] = [];
    for (let i = 0; i < 2000; i++) {
      sink.int(i * 37 - 1000);
      sink.string(i % 3 ? 'ascii ' : 'ünïcödé ☕ ');
      sink.bytes(Buffer.from('x'.repeat(i % 50)));
      expected.push(String(i * 37 - 1000), i % 3 ? 'ascii ' : 'ünïcödé ☕ ', 'x'.repeat(i % 50));
    }
    const start = sink.pos;
    sink.repeat(0, 5);
    expected.push(expected.join('').slice(0, 5));
    expect(sink.buf.toString('utf8', 0, sink.pos)).toBe(expected.join(''));
    expect(sink.pos - start).toBe(5);
  });
});
