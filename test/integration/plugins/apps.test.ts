/**
 * Plugins shipped by apps, loaded exactly as PLUGINS.md documents: the fixture apps in
 * test/fixtures/plugin-apps are copied to a temporary folder and run with the built CLI
 * (`eventgen generate <app folder>`), on real worker threads, writing real files. The Splunk
 * mode entry point (discoverAppPlugins over many app folders) runs the engine the same way.
 *
 * Needs `npm run build` first (the worker threads run the compiled JavaScript).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'bin', 'eventgen');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'plugin-apps');
const NOW = '2024-05-06T10:00:00Z'; // a Monday

let apps: string;
beforeAll(() => {
  if (!existsSync(join(ROOT, 'build', 'lib', 'engine', 'worker.js'))) throw new Error('run `npm run build` first');
  apps = mkdtempSync(join(tmpdir(), 'eg-plugin-apps-'));
  cpSync(FIXTURES, apps, { recursive: true });
});
afterAll(() => rmSync(apps, { recursive: true, force: true }));

function eventgen(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, 'generate', ...args], { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 60000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function linesOf(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

describe('fixture apps through the CLI', () => {
  test('acme_weblog: a generator from bin/ (on worker threads) and a non-queueable one from lib/plugins/generator/', () => {
    const r = eventgen(join(apps, 'acme_weblog'), '--now', NOW, '--seed', '7', '--workers', '2');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = linesOf(r.out);
    const ticks = lines.filter((l) => l.startsWith('tick '));
    expect(ticks).toEqual(['tick 1 at 2024-05-06T10:00:00.000Z', 'tick 2 at 2024-05-06T10:00:10.000Z', 'tick 3 at 2024-05-06T10:00:20.000Z']);
    const weblog = lines.filter((l) => !l.startsWith('tick '));
    expect(weblog).toHaveLength(10); // count 5, end 2
    for (const l of weblog) expect(l).toMatch(/^10\.\d+\.\d+\.\d+ - - \[2024-05-06T(09:59|10:00):\d\d\.\d{3}Z\] "(GET|POST|PUT|DELETE) (\/|\/search|\/checkout) HTTP\/1\.1" \d{3} \d+$/);
    // Seeded: the same run gives the same bytes.
    expect(eventgen(join(apps, 'acme_weblog'), '--now', NOW, '--seed', '7', '--workers', '1').out).toBe(r.out);
  });

  test('beta_outputs: an output and a rater from lib/plugins/, with their own settings', () => {
    const r = eventgen(join(apps, 'beta_outputs'), '--now', NOW, '--seed', '1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = linesOf(readFileSync(join(apps, 'beta_outputs', 'out', 'app.json'), 'utf8')).map((l) => JSON.parse(l) as { time: number; event: string; sourcetype: string });
    // Backfill of 24 hourly intervals from Sunday 10:00: business hours (Monday 09:00) get
    // count = 10 events, the 23 other hours offHoursFactor 0.5 × 10.
    expect(rows).toHaveLength(10 + 23 * 5);
    expect(rows[0]).toMatchObject({ sourcetype: 'payments' });
    for (const row of rows) expect(row.event).toMatch(/^2024-05-0[56] \d\d:\d\d:\d\d (INFO|WARN) payment (accepted|retried) amount=\d+\.\d\d$/);
  });

  test('trouble_app: each failing plugin stops only its own samples, with clear messages; crashed jobs are retried or reported lost', () => {
    const r = eventgen(join(apps, 'trouble_app'), '--now', NOW, '--seed', '1', '--workers', '2');
    expect(r.code).toBe(1);
    const byStanza = new Map<string, number>();
    for (const l of linesOf(r.out)) byStanza.set(l.split(' ')[0], (byStanza.get(l.split(' ')[0]) ?? 0) + 1);
    // healthy: 3 intervals × 50 events, untouched by its neighbours' failures.
    expect(byStanza.get('healthy')).toBe(150);
    // The thread died once under job 1; the retry on a fresh thread succeeded: nothing lost.
    expect(byStanza.get('crash_exit_once')).toBe(150);
    expect(r.err).toMatch(/WARN A worker thread died during a job; retrying the job once\. \{"sample":"trouble_app\/crash_exit_once","job":1,"events":50,"err":"worker exited with code: 4"\}/);
    // The thread died on both attempts: job 1 is reported lost with its count.
    expect(byStanza.get('crash_exit')).toBe(100);
    expect(r.err).toContain('ERROR Sample trouble_app/crash_exit stopped: a worker thread died twice while generating job 1 of trouble_app/crash_exit (50 events lost): worker exited with code: 3');
    // A non-Error thrown from a timer kills the thread too.
    expect(r.err).toContain('a worker thread died twice while generating job 1 of trouble_app/crash_async (50 events lost): object {"reason":"not an Error"}');
    // A generator that throws (a number) is broken: no retry, the sample stops, the job is lost.
    expect(r.err).toMatch(/ERROR Sample trouble_app\/crash_throw stopped: generator "crashy" from app trouble_app \(.*\/trouble_app\/bin\/crashy\.js\) failed: number 42/);
    // A plugin that fails to load, and one written for another API version.
    expect(r.err).toMatch(/ERROR .*\/trouble_app\/bin\/explodes\.js: \[app trouble_app\] plugin file could not be loaded: cannot find module "left-pad" \(required by explodes\.js\)\. Samples that use "explodes" will not run\./);
    // Its stanza fails with that reason, not with a misleading "no sample file matches".
    expect(r.err).toMatch(/ERROR Sample trouble_app\/uses_explodes stopped: generator: generator "explodes" from app trouble_app \(.*\/explodes\.js\) failed to load: cannot find module "left-pad"/);
    expect(r.err).not.toContain('No sample file');
    expect(r.err).toMatch(/ERROR Sample trouble_app\/uses_future_rater stopped: rater: plugin from app trouble_app \(.*\/future\.js\) is not valid: apiVersion 2 is not supported/);
    // An output that throws on every batch is taken out of service; its sample stops.
    expect(r.err).toMatch(/ERROR Sample trouble_app\/uses_flaky stopped: output "flaky" from app trouble_app \(.*\/flaky\.js\) stopped: 3 batches failed in a row; last error: disk on fire/);
    // The summary counts what was lost: jobs 1 of crash_exit, crash_async and crash_throw.
    expect(r.err).toMatch(/Output stdout:stdout: 600 events delivered, 0 undeliverable, 150 lost\./);
  });

  test('--output names an output plugin in bin/ beside the config that the config does not use', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-output-flag-'));
    try {
      mkdirSync(join(dir, 'bin'));
      mkdirSync(join(dir, 'samples'));
      writeFileSync(join(dir, 'samples', 'a.log'), 'hello @@n\n');
      writeFileSync(join(dir, 'eventgen.conf'), '[a\\.log]\ncount = 3\nend = 1\noutputMode = stdout\ntoken.0.token = @@n\ntoken.0.replacementType = integerid\ntoken.0.replacement = 1\n');
      writeFileSync(
        join(dir, 'bin', 'shout.js'),
        `module.exports = { kind: 'output', name: 'shout', apiVersion: 1, batchSize: 100,
          encode: (events) => events.map((e) => 'SHOUT ' + e.raw.toUpperCase() + '\\n').join(''),
          create: () => ({ send(batch) { process.stdout.write(batch.encoded); } }) };\n`,
      );
      const r = eventgen(join(dir, 'eventgen.conf'), '--now', NOW, '--output', 'shout');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(linesOf(r.out)).toEqual(['SHOUT HELLO 1', 'SHOUT HELLO 2', 'SHOUT HELLO 3']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--seed output is byte-identical with 1, 2 or 4 generator threads', () => {
    const conf = join(apps, 'acme_weblog', 'determinism.conf');
    const digests = [1, 2, 4].map((w) => {
      const r = eventgen(conf, '--now', NOW, '--seed', '42', '--workers', String(w));
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(linesOf(r.out)).toHaveLength(2 * 25000 + 2 * 12000);
      return createHash('sha256').update(r.out).digest('hex');
    });
    expect(new Set(digests).size).toBe(1);
    const other = eventgen(conf, '--now', NOW, '--seed', '43', '--workers', '2', '--end', '1');
    expect(createHash('sha256').update(other.out).digest('hex')).not.toBe(digests[0]);
  });
});

describe('Splunk mode: plugins from many apps', () => {
  test('zeta_demo uses a generator from acme_weblog/bin and a rater and output from beta_outputs/lib, on worker threads', async () => {
    const B = join(ROOT, 'build', 'lib');
    const { builtinRegistry } = require(join(B, 'plugins', 'builtin')) as typeof import('../../../lib/plugins/builtin');
    const { appDirsUnder, discoverAppPlugins } = require(join(B, 'plugins', 'discover')) as typeof import('../../../lib/plugins/discover');
    const { loadStandaloneSource } = require(join(B, 'conf', 'sources')) as typeof import('../../../lib/conf/sources');
    const { resolveSamples } = require(join(B, 'conf', 'resolve')) as typeof import('../../../lib/conf/resolve');
    const { Engine } = require(join(B, 'engine', 'engine')) as typeof import('../../../lib/engine/engine');
    const { SimulatedClock } = require(join(B, 'engine', 'clock')) as typeof import('../../../lib/engine/clock');
    const { PoolExecutor } = require(join(B, 'engine', 'executor-pool')) as typeof import('../../../lib/engine/executor-pool');

    const registry = builtinRegistry();
    const sources = [loadStandaloneSource(join(apps, 'zeta_demo')).source];
    const diags = discoverAppPlugins(registry, appDirsUnder(apps), sources);
    // trouble_app's broken files are only looked at when asked for; lib/plugins are always loaded.
    expect(diags.filter((d) => !d.file?.includes('trouble_app'))).toEqual([]);
    expect(registry.get('generator', 'weblog')?.origin.app).toBe('acme_weblog');
    expect(registry.get('rater', 'business_hours')?.origin.app).toBe('beta_outputs');
    expect(registry.get('output', 'jsonfile')?.origin.app).toBe('beta_outputs');

    const resolved = resolveSamples(sources, { schema: registry.schema, generatorNeedsFile: (n) => registry.generatorNeedsFile(n), overrides: {} });
    expect(resolved.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const lines: string[] = [];
    const log = { debug: () => undefined, info: () => undefined, warn: (o: object | string, m?: string) => void lines.push(`${m} ${JSON.stringify(o)}`), error: (o: object | string, m?: string) => void lines.push(`${m} ${JSON.stringify(o)}`) };
    const executor = new PoolExecutor({ registry, seed: 5, log, workers: 2, samples: resolved.samples });
    const engine = new Engine({ samples: resolved.samples, registry, clock: new SimulatedClock(Date.parse(NOW)), seed: 5, log, executor });
    const summary = await engine.run();
    expect(lines).toEqual([]);
    expect(summary.failed).toBe(false);
    expect(executor.threads).toBe(0); // closed after the run

    const rows = linesOf(readFileSync(join(apps, 'zeta_demo', 'out', 'zeta.json'), 'utf8')).map((l) => JSON.parse(l) as { host: string; time: number; event: string });
    // 12 hourly backfill slices up to Monday 10:00; offHoursFactor 0 leaves only the one
    // rated at 09:00, whose window reaches back `earliest = -1h`.
    expect(rows).toHaveLength(40);
    for (const row of rows) {
      expect(row.host).toBe('zeta');
      expect(row.time * 1000).toBeGreaterThanOrEqual(Date.parse('2024-05-06T08:00:00Z'));
      expect(row.time * 1000).toBeLessThanOrEqual(Date.parse(NOW));
    }
  });
});
