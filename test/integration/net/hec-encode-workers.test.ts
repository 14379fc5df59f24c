/**
 * httpevent on real generator worker threads: the engine runs a W1-like stanza once with two
 * worker threads and once on the main thread, against a HEC that records request bodies. The
 * worker run must send exactly the bodies of the main-thread run, and the main thread must not
 * have encoded a single event in it (encodeHecBatch, the plugin's encode(), is watched on the main
 * thread: the worker threads have their own copy of the module).
 *
 * Needs `npm run build` first (the worker threads run the compiled JavaScript).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bodySink, type BodySink } from '../../unit/outputs/net/support';

const ROOT = join(__dirname, '..', '..', '..');
const B = join(ROOT, 'build', 'lib');
const NOW = '2026-01-01T00:00:00Z';

// The built modules, as the worker threads load them.
const { builtinRegistry } = require(join(B, 'plugins', 'builtin')) as typeof import('../../../lib/plugins/builtin');
const { loadStandaloneSource } = require(join(B, 'conf', 'sources')) as typeof import('../../../lib/conf/sources');
const { resolveSamples } = require(join(B, 'conf', 'resolve')) as typeof import('../../../lib/conf/resolve');
const { Engine } = require(join(B, 'engine', 'engine')) as typeof import('../../../lib/engine/engine');
const { SimulatedClock } = require(join(B, 'engine', 'clock')) as typeof import('../../../lib/engine/clock');
const { PoolExecutor } = require(join(B, 'engine', 'executor-pool')) as typeof import('../../../lib/engine/executor-pool');
const hecFormat = require(join(B, 'plugins', 'output', 'net', 'internal', 'hec-format')) as typeof import('../../../lib/plugins/output/net/internal/hec-format');

let dir: string;
let sink: BodySink;
beforeAll(async () => {
  if (!existsSync(join(B, 'engine', 'worker.js'))) throw new Error('run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'eg-hec-workers-'));
  sink = await bodySink();
  // W1's line, with a quote, a backslash and non-ASCII text that JSON and byte counting must get right.
  writeFileSync(join(dir, 'w1.sample'), '2026-11-27 10:00:00 host=web-042 level=INFO user_id=@@uid latency_ms=@@lat msg="GET /api/v1/orders\\lookup" agent="ünï 😀" pad=xxxxx\n');
});
afterAll(async () => {
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeConf(endpoint: string): string {
  const conf = join(dir, `${endpoint}.conf`);
  writeFileSync(
    conf,
    [
      '[w1\\.sample]',
      'count = 2500',
      'end = 1',
      'earliest = -1s',
      'latest = now',
      'outputMode = httpevent',
      `httpeventServers = ${JSON.stringify({ servers: [sink.server] })}`,
      `httpeventEndpoint = ${endpoint}`,
      'httpeventMaxPayloadSize = 3000',
      'token.0.token = \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}',
      'token.0.replacementType = timestamp',
      'token.0.replacement = %Y-%m-%d %H:%M:%S',
      'token.1.token = @@uid',
      'token.1.replacementType = random',
      'token.1.replacement = integer[0:100000]',
      'token.2.token = @@lat',
      'token.2.replacementType = random',
      'token.2.replacement = integer[0:100000]',
      '',
    ].join('\n'),
  );
  return conf;
}

/** Runs the conf (on two worker threads, or on the main thread); returns the bodies received and the main thread's encode() calls. */
async function run(conf: string, threads: 'workers' | 'main'): Promise<{ bodies: string[]; paths: string[]; mainThreadEncodes: number }> {
  const registry = builtinRegistry();
  const resolved = resolveSamples([loadStandaloneSource(conf).source], { schema: registry.schema, generatorNeedsFile: (n) => registry.generatorNeedsFile(n), overrides: {} });
  expect(resolved.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const problems: string[] = [];
  const log = { debug: () => undefined, info: () => undefined, warn: (o: object | string, m?: string) => void problems.push(`${m} ${JSON.stringify(o)}`), error: (o: object | string, m?: string) => void problems.push(`${m} ${JSON.stringify(o)}`) };
  const executor = threads === 'workers' ? new PoolExecutor({ registry, seed: 11, log, workers: 2, samples: resolved.samples }) : undefined;
  sink.bodies.length = 0;
  sink.paths.length = 0;
  const encode = jest.spyOn(hecFormat, 'encodeHecBatch');
  try {
    const summary = await new Engine({ samples: resolved.samples, registry, clock: new SimulatedClock(Date.parse(NOW)), seed: 11, log, executor }).run();
    expect(problems).toEqual([]);
    expect(summary.failed).toBe(false);
    expect(summary.outputs.map((o) => o.metrics.events)).toEqual([2500]);
    return { bodies: [...sink.bodies], paths: [...sink.paths], mainThreadEncodes: encode.mock.calls.length };
  } finally {
    encode.mockRestore();
  }
}

test.each(['event', 'raw'])('endpoint %s: two worker threads encode, and send exactly the bodies of a main-thread run', async (endpoint) => {
  const conf = writeConf(endpoint);
  const main = await run(conf, 'main');
  const workers = await run(conf, 'workers');
  // The main-thread run encodes its 3 batches (1000, 1000, 500 events) on the main thread; the
  // worker run none: the main thread only cut the workers' text into payloads.
  expect(main.mainThreadEncodes).toBe(3);
  expect(workers.mainThreadEncodes).toBe(0);
  // Payloads of a batch are posted in parallel, so they arrive in any order: compare sorted.
  expect(workers.bodies.length).toBeGreaterThan(20);
  expect([...workers.bodies].sort()).toEqual([...main.bodies].sort());
  expect([...workers.paths].sort()).toEqual([...main.paths].sort());
  expect(workers.bodies.every((b) => Buffer.byteLength(b, 'latin1') <= 3000)).toBe(true);
  const texts = workers.bodies.join('');
  if (endpoint === 'event') expect(texts.match(/\{"time":\d+(\.\d+)?,"host":"[^"]+","source":"w1\.sample","sourcetype":"[^"]+","index":"main","event":"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d host=web-042 /g)).toHaveLength(2500);
  else expect(texts.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d host=web-042 /gm)).toHaveLength(2500);
});
