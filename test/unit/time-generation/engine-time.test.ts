/**
 * The scheduler's time behaviour on a simulated clock, with an in-memory output: replay pacing
 * (exact gaps, no off-by-one), backfill windows, end as a count or a time, perDayVolume totals.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventRecord, GeneratorPlugin, OutputPlugin, PluginLogger, SampleSpec, TokenSpec } from '../../../lib/plugins/api';
import { PLUGIN_API_VERSION } from '../../../lib/plugins/api';
import { builtinRegistry } from '../../../lib/plugins/builtin';
import { Engine, PREGENERATE_MS } from '../../../lib/engine/engine';
import { RealClock, SimulatedClock } from '../../../lib/engine/clock';
import { CORE_SETTINGS } from '../../../lib/conf/settings';

const START = Date.UTC(2024, 0, 1);

function quietLog(messages: string[] = []): PluginLogger {
  const rec = (o: object | string, m?: string) => void messages.push(typeof o === 'string' ? o : `${m ?? ''} ${JSON.stringify(o)}`);
  return { debug: () => undefined, info: rec, warn: rec, error: rec };
}

interface Captured {
  events: EventRecord[];
  /** Clock time at which each event reached the output. */
  at: number[];
}

function captureOutput(clock: { now(): number }, sink: Captured): OutputPlugin {
  return {
    kind: 'output',
    name: 'capture',
    apiVersion: PLUGIN_API_VERSION,
    batchSize: 100000,
    create: () => ({
      send: (batch) => {
        for (const e of batch.events ?? []) {
          sink.events.push(e);
          sink.at.push(clock.now());
        }
      },
    }),
  };
}

const defaults: Record<string, unknown> = {};
for (const d of CORE_SETTINGS) if (d.inherit) defaults[d.name] = d.default;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eventgen-engine-time-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sampleOf(name: string, text: string | undefined, settings: Record<string, unknown>, tokens: TokenSpec[] = []): SampleSpec {
  let file: string | undefined;
  if (text !== undefined) {
    file = join(dir, name);
    writeFileSync(file, text);
  }
  return {
    id: name,
    stanza: name,
    file,
    confDir: dir,
    confFile: join(dir, 'eventgen.conf'),
    sampleDir: dir,
    settings: { ...defaults, source: name, timezone: '+0000', outputMode: 'capture', ...settings },
    tokens,
  };
}

interface RunOptions {
  clock?: SimulatedClock | RealClock;
  log?: string[];
  /** Restarts: the state a generator saved before, and where its saves go. */
  resumeState?: unknown;
  states?: unknown[];
  /** Stops the engine (as SIGTERM would) once this many events were generated. */
  stopAfter?: number;
  /** Stops the engine this many ms after the run starts. */
  stopAtMs?: number;
  jobSize?: number;
}

/** Generator that notes when each job was generated: [wall time, the job's interval start]. */
function stampGenerator(calls: Array<[number, number]>): GeneratorPlugin {
  return {
    kind: 'generator',
    name: 'stamp',
    apiVersion: PLUGIN_API_VERSION,
    queueable: true,
    needsSampleFile: false,
    create: () => ({
      generate: (job) => {
        calls.push([Date.now(), job.now]);
        return Array.from({ length: job.count }, (_, i) => ({ raw: `e${job.eventOffset + i}`, time: job.now / 1000, index: 'main', host: 'h', source: 's', sourcetype: 'st' }));
      },
    }),
  };
}

async function run(samples: SampleSpec[], opts: RunOptions & { generators?: GeneratorPlugin[] } = {}): Promise<Captured & { summary: Awaited<ReturnType<Engine['run']>> }> {
  const clock = opts.clock ?? new SimulatedClock(START);
  const sink: Captured = { events: [], at: [] };
  const registry = builtinRegistry();
  registry.register(captureOutput(clock, sink), { app: 'test' });
  for (const g of opts.generators ?? []) registry.register(g, { app: 'test' });
  let emitted = 0;
  const engine: Engine = new Engine({
    samples,
    registry,
    clock,
    seed: 7,
    log: quietLog(opts.log),
    resumeState: () => opts.resumeState,
    onState: (_id, st) => opts.states?.push(st),
    onInterval: (_id, n) => {
      emitted += n;
      if (opts.stopAfter !== undefined && emitted >= opts.stopAfter) engine.stop();
    },
    jobSize: opts.jobSize,
  });
  const timer = opts.stopAtMs === undefined ? undefined : setTimeout(() => engine.stop(), opts.stopAtMs);
  const summary = await engine.run();
  clearTimeout(timer);
  return { ...sink, summary };
}

const TS_TOKEN: TokenSpec = { n: 0, token: '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{3})?', replacementType: 'replaytimestamp', replacement: '%Y-%m-%d %H:%M:%S.%f' };
const REPLAY = ['00:00:00.000', '00:00:00.250', '00:00:01.000', '00:00:01.000', '00:00:04.500', '00:00:04.750', '00:01:04.750'].map((t, i) => `2015-06-01 ${t} event ${i + 1}`).join('\n');
const OFFSETS = [0, 250, 1000, 1000, 4500, 4750, 64750];

describe('replay on the simulated clock', () => {
  test('event k is emitted gap(k-1 → k) × timeMultiple after event k-1, at exactly its own time', async () => {
    for (const multiple of [1, 0.5, 2.5]) {
      const s = sampleOf(`replay-${multiple}`, REPLAY, { mode: 'replay', generator: 'replay', timeMultiple: multiple, end: '1', interval: 0 }, [TS_TOKEN]);
      const r = await run([s]);
      expect(r.summary.failed).toBe(false);
      expect(r.events.map((e) => Math.round(e.time * 1000) - START)).toEqual(OFFSETS.map((o) => o * multiple));
      // Emitted when due, not one event late (the original's off-by-one).
      expect(r.at.map((t) => t - START)).toEqual(OFFSETS.map((o) => o * multiple));
      // The replaytimestamp token shows the event's own shifted time, never a frozen one.
      r.events.forEach((e) => {
        const shown = Date.parse(e.raw.slice(0, 23).replace(' ', 'T') + 'Z');
        expect(shown).toBe(Math.round(e.time * 1000));
      });
    }
  });

  test('passes follow each other `interval` after the last event; end counts passes', async () => {
    const s = sampleOf('replay-passes', REPLAY, { generator: 'replay', end: '3', interval: 10 }, [TS_TOKEN]);
    const r = await run([s]);
    expect(r.events).toHaveLength(21);
    const cycle = 64750 + 10000;
    const want = [0, 1, 2].flatMap((p) => OFFSETS.map((o) => p * cycle + o));
    expect(r.events.map((e) => Math.round(e.time * 1000) - START)).toEqual(want);
  });

  test('end as a time: nothing due at or after it, and the run lasts until then', async () => {
    const s = sampleOf('replay-end-time', REPLAY, { generator: 'replay', end: '+2m', interval: 0 }, [TS_TOKEN]);
    const clock = new SimulatedClock(START);
    const r = await run([s], { clock });
    const times = r.events.map((e) => Math.round(e.time * 1000) - START);
    expect(Math.max(...times)).toBeLessThan(120000);
    // Passes of 64.75 s back to back: 7 + 7 events fit before 2 minutes (second pass 64.75 … 129.5 s minus the last).
    expect(times).toEqual([...OFFSETS, ...OFFSETS.slice(0, 6).map((o) => o + 64750)]);
    expect(clock.now()).toBe(START + 120000);
  });

  test('backfill replays the history up to now at once, in time order, never in the future', async () => {
    const s = sampleOf('replay-backfill', REPLAY, { generator: 'replay', end: '1', interval: 0, backfill: '-3m' }, [TS_TOKEN]);
    const r = await run([s]);
    const times = r.events.map((e) => Math.round(e.time * 1000) - START);
    // History: passes ending at now (the last one ends exactly at now), cut at -3 min.
    const history: number[] = [];
    for (let p = -3; p < 0; p++) for (const o of OFFSETS) {
      const t = p * 64750 + o;
      if (t >= -180000) history.push(t);
    }
    expect(times).toEqual([...history, ...OFFSETS]);
    expect(times.slice(0, history.length).every((t) => t <= 0)).toBe(true);
    // History is emitted at once, at the start.
    expect(r.at.slice(0, history.length).every((t) => t === START)).toBe(true);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
  });

  describe('restarts (Splunk mode keeps the state in its checkpoint folder)', () => {
    const ID_TOKEN: TokenSpec = { n: 1, token: 'event (\\d+)', replacementType: 'integerid', replacement: '0' };
    const replay = (settings: Record<string, unknown>) => sampleOf('replay-restart', REPLAY, { generator: 'replay', ...settings }, [TS_TOKEN, ID_TOKEN]);
    const view = (r: Captured) => r.events.map((e) => `${Math.round(e.time * 1000) - START} ${e.raw}`);

    test('a replay stopped mid-pass continues its timeline after a restart: both runs together are the uninterrupted run', async () => {
      const settings = { end: '3', interval: 10 };
      const whole = await run([replay(settings)]);
      expect(whole.events).toHaveLength(21);
      const clock = new SimulatedClock(START);
      const states: unknown[] = [];
      const first = await run([replay(settings)], { clock, states, stopAfter: 9 });
      expect(first.events).toHaveLength(9);
      // Down for 30 s: what fell due meanwhile goes out at once when it comes back.
      const back = clock.now() + 30_000;
      const second = await run([replay(settings)], { clock: new SimulatedClock(back), resumeState: states.at(-1), states });
      expect([...view(first), ...view(second)]).toEqual(view(whole));
      expect(second.at[0]).toBe(back);
      expect(states.at(-1)).toMatchObject({ done: true });
      // Finished: a third start generates nothing.
      const third = await run([replay(settings)], { clock: new SimulatedClock(back + 600_000), resumeState: states.at(-1) });
      expect(third.events).toHaveLength(0);
    });

    test('after more than 24 h down, only the last 24 h are caught up, with a warning', async () => {
      const settings = { end: '30', interval: 3600 };
      const cycle = 64_750 + 3_600_000;
      const states: unknown[] = [];
      const clock = new SimulatedClock(START);
      await run([replay(settings)], { clock, states, stopAfter: 7 });
      // Pass 1 fell wholly more than 24 h before the restart: skipped; the passes since are caught up.
      const back = START + 26 * 3600_000;
      const log: string[] = [];
      const second = await run([replay(settings)], { clock: new SimulatedClock(back), resumeState: states.at(-1), log });
      expect(log.join('\n')).toContain('only the last 24 h are caught up');
      const times = second.events.map((e) => Math.round(e.time * 1000));
      expect(Math.min(...times)).toBeGreaterThanOrEqual(back - 24 * 3600_000);
      const expected: number[] = [];
      for (let p = 1; p < 30; p++) for (const o of OFFSETS) if (START + p * cycle + o >= back - 24 * 3600_000) expected.push(START + p * cycle + o);
      expect(times).toEqual(expected);
    });

    test('an edit that changes the pass length keeps the current pass where it was and spaces the next ones anew', async () => {
      const states: unknown[] = [];
      const clock = new SimulatedClock(START);
      const first = await run([replay({ end: '3', interval: 60 })], { clock, states, stopAfter: 9 });
      expect(first.events).toHaveLength(9); // pass 0 and two events of pass 1
      const oldCycle = 64_750 + 60_000;
      const newCycle = 64_750 + 3_600_000;
      const second = await run([replay({ end: '3', interval: 3600 })], { clock: new SimulatedClock(clock.now() + 1000), resumeState: states.at(-1) });
      const times = second.events.map((e) => Math.round(e.time * 1000) - START);
      // The rest of pass 1 on its old start, then pass 2 one new pass length after pass 1 began.
      expect(times).toEqual([...OFFSETS.slice(2).map((o) => oldCycle + o), ...OFFSETS.map((o) => oldCycle + newCycle + o)]);
    });

    test('a saved state that does not fit (another version, another sample) is ignored: the replay starts over', async () => {
      const r = await run([replay({ end: '1', interval: 0 })], { resumeState: { v: 1, start: START, pass: 0, next: 999, eventIndex: 0 } });
      expect(r.events.map((e) => Math.round(e.time * 1000) - START)).toEqual(OFFSETS);
    });
  });

  test("an output's encode() sees the replay sample's own settings", async () => {
    const encoded: string[] = [];
    const registry = builtinRegistry();
    const tagged: OutputPlugin = {
      kind: 'output',
      name: 'tagged',
      apiVersion: PLUGIN_API_VERSION,
      batchSize: 3,
      settings: [{ name: 'tag', type: 'string', doc: 'prefix', inherit: true, group: 'test' }],
      encode: (events, settings) => events.map((e) => `${String(settings.tag)}:${e.raw.slice(-7)}\n`).join(''),
      create: () => ({ send: (batch) => void encoded.push(batch.encoded ?? '') }),
    };
    registry.register(tagged, { app: 'test' });
    const s = sampleOf('replay-tagged', REPLAY, { generator: 'replay', end: '1', interval: 0, outputMode: 'tagged', tag: 'T1' }, [TS_TOKEN]);
    const engine = new Engine({ samples: [s], registry, clock: new SimulatedClock(START), seed: 7, log: quietLog() });
    expect((await engine.run()).failed).toBe(false);
    expect(encoded.join('').split('\n').filter(Boolean)).toEqual(Array.from({ length: 7 }, (_, i) => `T1:event ${i + 1}`));
  });

  test('events whose time cannot be read are skipped and reported once with their count', async () => {
    const text = `${REPLAY}\nno time here\nnor here`;
    const log: string[] = [];
    const s = sampleOf('replay-some-bad', text, { generator: 'replay', end: '2', interval: 0 }, [TS_TOKEN]);
    const r = await run([s], { log });
    expect(r.events).toHaveLength(14);
    const notes = log.filter((l) => l.includes('cannot be read'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('skips 2 of 9 events');
  });

  test('a sample with no readable time stops its stanza with a message naming it; others run', async () => {
    const bad = sampleOf('replay-all-bad', 'nothing\nat all', { generator: 'replay', end: '1' }, [TS_TOKEN]);
    const good = sampleOf('replay-good', REPLAY, { generator: 'replay', end: '1', interval: 0 }, [TS_TOKEN]);
    const log: string[] = [];
    const r = await run([bad, good], { log });
    expect(r.events).toHaveLength(7);
    const outcome = r.summary.samples.find((o) => o.id === 'replay-all-bad');
    expect(outcome?.error).toMatch(/cannot read the time of any of the 2 events/);
    expect(log.join('\n')).toMatch(/replay-all-bad/);
  });

  test('timeMultiple 0 or negative is refused', async () => {
    for (const m of [0, -1]) {
      const s = sampleOf(`replay-mult-${m}`, REPLAY, { generator: 'replay', end: '1', timeMultiple: m }, [TS_TOKEN]);
      const r = await run([s]);
      expect(r.summary.samples[0].error).toMatch(/timeMultiple = -?\d must be greater than 0/);
    }
  });
});

describe('replay on the real clock', () => {
  test('gaps are reproduced within 50 ms', async () => {
    const text = ['00:00:00.000', '00:00:00.150', '00:00:00.400', '00:00:00.400', '00:00:00.700'].map((t, i) => `2015-06-01 ${t} e${i}`).join('\n');
    const s = sampleOf('replay-real', text, { generator: 'replay', end: '1', interval: 0 }, [TS_TOKEN]);
    const clock = new RealClock();
    const r = await run([s], { clock });
    const rel = r.at.map((t) => t - r.at[0]);
    [0, 150, 400, 400, 700].forEach((want, i) => expect(Math.abs(rel[i] - want)).toBeLessThanOrEqual(50));
  });
});

describe('sample mode on the real clock', () => {
  test("an interval's jobs are generated before it begins and reach the output once it has begun", async () => {
    const calls: Array<[number, number]> = [];
    const s = sampleOf('ahead', 'unused', { generator: 'stamp', count: 25000, interval: 1, end: '3' }); // 3 jobs per interval
    const r = await run([s], { clock: new RealClock(), generators: [stampGenerator(calls)] });
    expect(r.events).toHaveLength(75000);
    const ticks = [...new Set(calls.map(([, tick]) => tick))];
    expect(ticks).toHaveLength(3);
    // Every event reaches the output at or after the start of its interval (the event's time).
    expect(r.events.filter((e, i) => r.at[i] < e.time * 1000)).toEqual([]);
    // After the first interval, the first job of each is generated ahead of its start.
    for (const tick of ticks.slice(1)) {
      const first = Math.min(...calls.filter(([, t]) => t === tick).map(([at]) => at));
      expect(first).toBeLessThan(tick);
      expect(first).toBeGreaterThanOrEqual(tick - PREGENERATE_MS);
    }
  });

  test('stopped while the next interval is generated ahead: that interval never happens', async () => {
    const calls: Array<[number, number]> = [];
    const s = sampleOf('ahead-stop', 'unused', { generator: 'stamp', count: 60, interval: 1, end: '5' });
    // The second interval's jobs are generated from +750 ms; the stop comes at +900 ms.
    const r = await run([s], { clock: new RealClock(), generators: [stampGenerator(calls)], jobSize: 10, stopAtMs: 900 });
    expect(r.events).toHaveLength(60);
    expect(new Set(r.events.map((e) => e.time))).toEqual(new Set([calls[0][1] / 1000]));
    expect(r.summary.samples[0]).toMatchObject({ generated: 60, intervals: 1 });
    expect(calls.some(([, tick]) => tick > calls[0][1])).toBe(true); // it was being generated
  });

  test('a generator that fails in a later interval stops its sample, not the process', async () => {
    let first: number | undefined;
    const flaky: GeneratorPlugin = {
      ...stampGenerator([]),
      name: 'flaky',
      create: () => ({
        generate: (job) => {
          first ??= job.now;
          if (job.now > first) throw new Error('broken in interval 2');
          return [{ raw: `e${job.eventOffset}`, time: job.now / 1000, index: 'main', host: 'h', source: 's', sourcetype: 'st' }];
        },
      }),
    };
    // One event per job: six jobs per interval, four of them held, the fifth made while they wait.
    const s = sampleOf('ahead-flaky', 'unused', { generator: 'flaky', count: 6, interval: 1, end: '3' });
    const r = await run([s], { clock: new RealClock(), generators: [flaky], jobSize: 1 });
    expect(r.events).toHaveLength(6);
    expect(r.summary.failed).toBe(true);
    expect(r.summary.samples[0]).toMatchObject({ generated: 6, intervals: 1, error: expect.stringContaining('broken in interval 2') });
  });

  test('a replay writing to the same output is not held back with them', async () => {
    const calls: Array<[number, number]> = [];
    // Sample mode: intervals at 0, 1 and 2 s, each generated from 250 ms before. The replay's
    // events at 0.8 and 1.8 s fall inside those windows; they must still leave on time.
    const ahead = sampleOf('ahead2', 'unused', { generator: 'stamp', count: 20000, interval: 1, end: '3' });
    const text = ['00:00:00.000', '00:00:00.800', '00:00:01.800'].map((t, i) => `2015-06-01 ${t} r${i}`).join('\n');
    const replay = sampleOf('replay-shared', text, { generator: 'replay', end: '1', interval: 0 }, [TS_TOKEN]);
    const clock = new RealClock();
    const r = await run([ahead, replay], { clock, generators: [stampGenerator(calls)] });
    const at = r.events.map((e, i) => [e, r.at[i]] as const).filter(([e]) => /^2\S+ \S+ r\d$/.test(e.raw)).map(([, t]) => t);
    expect(at).toHaveLength(3);
    [0, 800, 1800].forEach((want, i) => expect(Math.abs(at[i] - at[0] - want)).toBeLessThanOrEqual(50));
  });
});

describe('sample mode: backfill and end', () => {
  const sampleText = Array.from({ length: 12 }, (_, i) => `2014-01-04 20:00:00 event ${i + 1}`).join('\n');
  const ts: TokenSpec = { n: 0, token: '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}', replacementType: 'timestamp', replacement: '%Y-%m-%d %H:%M:%S' };

  test('backfill covers the window evenly (count per interval-slice) and never lies in the future', async () => {
    const s = sampleOf('bf-even', sampleText, { interval: 60, backfill: '-2h', end: '1' }, [ts]);
    const r = await run([s]);
    expect(r.events).toHaveLength(120 * 12);
    const perMinute = new Map<number, number>();
    for (const e of r.events) {
      const t = e.time * 1000;
      expect(t).toBeGreaterThanOrEqual(START - 2 * 3600000);
      expect(t).toBeLessThanOrEqual(START);
      const m = Math.floor((t - START) / 60000);
      perMinute.set(m, (perMinute.get(m) ?? 0) + 1);
    }
    expect(perMinute.size).toBe(120);
    for (const n of perMinute.values()) expect(n).toBe(12);
  });

  test('a partial slice gets its share of the interval', async () => {
    const s = sampleOf('bf-partial', sampleText, { interval: 60, backfill: '-90s', end: '1' }, [ts]);
    const r = await run([s]);
    const times = r.events.map((e) => e.time * 1000 - START);
    expect(times.filter((t) => t < -60000)).toHaveLength(6);
    expect(times.filter((t) => t >= -60000)).toHaveLength(12);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(-90000);
    expect(Math.max(...times)).toBeLessThanOrEqual(0);
  });

  test('backfill then live: the backfill counts as one interval of end', async () => {
    const s = sampleOf('bf-live', sampleText, { interval: 60, backfill: '-10m', end: '3' }, [ts]);
    const r = await run([s]);
    const times = r.events.map((e) => e.time * 1000 - START);
    expect(times.filter((t) => t < 0)).toHaveLength(120);
    expect(r.events).toHaveLength(120 + 24);
    // No live tick at now (the backfill's last slice ended there): the next two intervals.
    expect(times.filter((t) => t >= 0).sort((a, b) => a - b)).toEqual([...Array(12).fill(60000), ...Array(12).fill(120000)]);
  });

  test('end as a time stops on time; as ISO too', async () => {
    for (const end of ['+10m', '2024-01-01T00:10:00Z']) {
      const clock = new SimulatedClock(START);
      const s = sampleOf(`end-${end}`, sampleText, { interval: 60, end }, [ts]);
      const r = await run([s], { clock });
      expect(r.events).toHaveLength(10 * 12);
      expect(Math.max(...r.events.map((e) => e.time * 1000))).toBe(START + 9 * 60000);
      expect(clock.now()).toBe(START + 10 * 60000);
    }
  });

  test('timezone applies to generated times and to relative windows', async () => {
    const s = sampleOf('tz', sampleText, { interval: 60, end: '1', count: 1, timezone: '+0530', earliest: '@d', latest: '@d' }, [ts]);
    const r = await run([s], { clock: new SimulatedClock(Date.UTC(2024, 0, 1, 20, 0)) });
    // 20:00 UTC is 01:30 on Jan 2 at +0530; @d snaps to that zone's midnight.
    expect(r.events[0].raw).toBe('2024-01-02 00:00:00 event 1');
    expect(r.events[0].time * 1000).toBe(Date.UTC(2024, 0, 1, 18, 30));
  });
});

describe('perDayVolume', () => {
  const sampleText = Array.from({ length: 12 }, (_, i) => `2014-01-04 20:00:00 WINDBAG Event ${i + 1} of 12 randint @@integer`).join('\n');
  const tokens: TokenSpec[] = [
    { n: 0, token: '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}', replacementType: 'timestamp', replacement: '%Y-%m-%d %H:%M:%S' },
    { n: 1, token: '@@integer', replacementType: 'random', replacement: 'integer[0:1000]' },
  ];
  const bytes = (evs: EventRecord[]) => evs.reduce((n, e) => n + Buffer.byteLength(e.raw) + 1, 0);

  test('a simulated day lands within 2% of the volume, with hourOfDayRate\'s shape', async () => {
    const hours: Record<string, number> = {};
    for (let h = 0; h < 24; h++) hours[String(h)] = h < 6 ? 0.25 : h < 18 ? 2 : 1;
    const s = sampleOf('pdv-day', sampleText, { perDayVolume: 0.002, generator: 'perdayvolumegenerator', rater: 'perdayvolume', count: 1, interval: 300, end: '+1d', hourOfDayRate: hours }, tokens);
    const r = await run([s]);
    const want = 0.002 * 1024 ** 3;
    expect(Math.abs(bytes(r.events) - want) / want).toBeLessThan(0.02);
    const mean = (6 * 0.25 + 12 * 2 + 6 * 1) / 24;
    const perHour = new Array<number>(24).fill(0);
    for (const e of r.events) perHour[new Date(e.time * 1000).getUTCHours()] += Buffer.byteLength(e.raw) + 1;
    perHour.forEach((b, h) => {
      const expected = (want / 24) * (hours[String(h)] / mean);
      expect(Math.abs(b - expected) / expected).toBeLessThan(0.02);
    });
  });

  test('tiny intervals (less than an event each) still add up: remainders carry', async () => {
    const s = sampleOf('pdv-tiny', sampleText, { perDayVolume: 0.0001, generator: 'perdayvolumegenerator', rater: 'perdayvolume', count: 1, interval: 10, end: '+6h' }, tokens);
    const r = await run([s]);
    const want = (0.0001 * 1024 ** 3) / 4;
    expect(want / (6 * 360)).toBeLessThan(60); // each interval asks for less than one event
    expect(Math.abs(bytes(r.events) - want) / want).toBeLessThan(0.02);
  });

  test('a regex stanza selecting two files splits the volume between them', async () => {
    const a = sampleOf('pdv-a', sampleText, { perDayVolume: 0.001, generator: 'perdayvolumegenerator', rater: 'perdayvolume', count: 1, interval: 60, end: '+2h' }, tokens);
    const b = { ...sampleOf('pdv-b', sampleText, { perDayVolume: 0.001, generator: 'perdayvolumegenerator', rater: 'perdayvolume', count: 1, interval: 60, end: '+2h' }, tokens), stanza: a.stanza };
    const r = await run([a, b]);
    const want = (0.001 * 1024 ** 3) / 12;
    const fromA = r.events.filter((e) => e.source === 'pdv-a');
    expect(Math.abs(bytes(r.events) - want) / want).toBeLessThan(0.02);
    expect(Math.abs(bytes(fromA) - want / 2) / (want / 2)).toBeLessThan(0.02);
  });
});
