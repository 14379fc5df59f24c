/**
 * The modular input end to end, run the way splunkd runs it (test/stand-ins/splunkd.ts): the
 * real bin/eventgen.sh, `--scheme`, `--validate-arguments`, then the input XML on stdin with the
 * REST stand-in serving every app's eventgen.conf from a temporary $SPLUNK_HOME/etc/apps.
 * Apps (test/fixtures/splunk-apps): app_web and app_auth are enabled and exported, app_off is
 * disabled, app_private does not export its eventgen.conf.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildItemsXml, scheme, validate, type StreamEvent } from '../../stand-ins/splunkd';
import {
  KEY, SCRIPT, byIndex, inputXml, logText, makeSplunkHome, readTree, start, stopTimed, waitFor, waitForLog, type SplunkHome,
} from './support';

let h: SplunkHome;
beforeAll(async () => {
  h = await makeSplunkHome(['app_web', 'app_auth', 'app_off', 'app_private']);
});
afterAll(async () => {
  await h?.close();
});

describe('introspection and validation', () => {
  test('--scheme: the scheme splunkd registers, through the wrapper with LD_LIBRARY_PATH set', async () => {
    const r = await scheme(SCRIPT, { splunkHome: h.home });
    expect(r.problems).toEqual([]);
    expect(r.scheme).toMatchObject({ title: 'Eventgen (Node)', useExternalValidation: true, useSingleInstance: false, streamingMode: 'xml' });
    expect(r.scheme!.args.map((a) => a.name).sort()).toEqual(['apps', 'generator_workers', 'reload_interval', 'verbosity']);
    // The spec splunkd reads declares the same parameters.
    const spec = readFileSync(join(h.apps, 'eventgen', 'README', 'inputs.conf.spec'), 'utf8');
    for (const a of r.scheme!.args) expect(spec).toMatch(new RegExp(`^${a.name} = `, 'm'));
  });

  test('--validate-arguments: accepts good parameters, answers <error><message> and exit 1 for bad ones', async () => {
    const items = (params: Record<string, string>) =>
      buildItemsXml({ serverUri: h.rest.uri, sessionKey: KEY, checkpointDir: '/tmp/x', item: { name: 'default', params } });
    const good = await validate(SCRIPT, items({ verbosity: 'warn', apps: 'app_web, app_auth', generator_workers: '2' }), { splunkHome: h.home });
    expect(good).toMatchObject({ ok: true, code: 0 });
    const bad = await validate(SCRIPT, items({ verbosity: 'loud', generator_workers: 'abc' }), { splunkHome: h.home });
    expect(bad.ok).toBe(false);
    expect(bad.code).toBe(1);
    expect(bad.message).toMatch(/verbosity = "loud"/);
    expect(bad.message).toMatch(/generator_workers = "abc"/);
    const broken = await validate(SCRIPT, '<items><item name="x">', { splunkHome: h.home });
    expect(broken.code).toBe(1);
    expect(broken.message).toMatch(/could not read the validation request/);
  });
});

describe('streaming', () => {
  let events: StreamEvent[];
  let stderr: string;
  let stopMs: number;
  let checkpointDir: string;

  beforeAll(async () => {
    checkpointDir = h.checkpointDir('e2e');
    const run = start(h, inputXml(h, checkpointDir));
    // Every enabled sample has produced something, including the replay and the plugin.
    await waitFor(run, (ev) => ['web', 'auth', 'replay', 'plugins'].every((i) => byIndex(ev, i).length >= 3), 'events of every enabled sample');
    await waitForLog(run, /eventgen-metrics|Running \d+ sample/);
    await new Promise((r) => setTimeout(r, 500)); // a metrics period
    const { result, ms } = await stopTimed(run);
    stopMs = ms;
    events = run.events;
    stderr = logText(run.logs);
    expect(result.protocolError).toBeUndefined();
    expect(result.sawStreamStart).toBe(true);
    expect(result.sawStreamEnd).toBe(true);
    expect(result.code).toBe(0);
    expect(result.killed).toBe(false);
  });

  test('SIGTERM: </stream> and exit well within splunkd\'s 5 s', () => {
    expect(stopMs).toBeLessThan(5000);
  });

  test('events from both enabled apps carry their stanza\'s metadata', () => {
    const web = byIndex(events, 'web');
    expect(web.length).toBeGreaterThanOrEqual(3);
    for (const e of web) {
      expect(e).toMatchObject({ host: 'webhost01', source: '/var/log/shop/web.log', sourcetype: 'shop:web', unbroken: false });
      expect(e.time).toMatch(/^\d{10}(\.\d{1,3})?$/);
    }
    const auth = byIndex(events, 'auth');
    for (const e of auth) expect(e).toMatchObject({ host: 'authhost', source: 'auth.log', sourcetype: 'linux_secure' });
    expect(auth[0].data).toMatch(/sshd\[\d+\]: (Accepted|Failed)/);
    // [global] of app_web (index = web) sits over the eventgen app's [global] (index = main).
    expect(byIndex(events, 'main')).toEqual([]);
  });

  test('the replay stanza replays the sample in order, with its own metadata', () => {
    const replay = byIndex(events, 'replay');
    expect(replay.length).toBeGreaterThanOrEqual(3);
    expect(replay.slice(0, 3).map((e) => e.data.replace(/^\S+ /, ''))).toEqual(['replay event one', 'replay event two', 'replay event three']);
    for (const e of replay) expect(e).toMatchObject({ host: 'replayhost', sourcetype: 'replay:log' });
  });

  test('a generator plugin shipped in an app\'s lib/plugins/ runs (on the worker threads)', () => {
    const ticks = byIndex(events, 'plugins');
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks[0]).toMatchObject({ data: 'tick 0 from app_auth', host: 'tickerhost', sourcetype: 'ticker' });
  });

  test('nothing from the disabled app, the unexported app or the disabled stanza', () => {
    for (const index of ['off', 'private', 'retired']) expect(byIndex(events, index)).toEqual([]);
    expect(events.some((e) => /disabled|private event|retired/.test(e.data))).toBe(false);
  });

  test('multi-line events stay whole, markup is escaped, $SPLUNK_HOME token files are read', () => {
    const web = byIndex(events, 'web');
    const trace = web.find((e) => e.data.includes('IllegalStateException'));
    expect(trace?.data).toMatch(/POST \/checkout 500\njava\.lang\.IllegalStateException: cart is empty\n {4}at shop/);
    expect(web.some((e) => e.data.includes('<ok> & done'))).toBe(true);
    for (const e of web) expect(e.data).toMatch(/user=(alice|bob|carol) /);
  });

  test('stderr: leveled lines for splunkd.log; the missing sample is an ERROR naming its stanza', () => {
    expect(stderr).toMatch(/^ERROR .*\[nosuch\\\.log\]: No sample file .* matches the stanza name/m);
    expect(stderr).toMatch(/^INFO .*outputMode = stdout is replaced by modinput/m);
    // A plugin's check rejects a stanza before it starts, naming the file, line and setting.
    expect(stderr).toMatch(/^ERROR .*app_web\/default\/eventgen\.conf \[checked\\\.log\] fileName = "": .*outputMode = file needs fileName/m);
    expect(stderr).toMatch(/^INFO Running 4 sample\(s\) from 2 app\(s\): app_auth, app_web/m);
    expect(stderr).toMatch(/^INFO Stopping: SIGTERM/m);
    // Nothing reached splunkd.log as an (unprefixed, hence ERROR) stray line.
    expect(stderr).not.toMatch(/^ERROR (?!.*(nosuch|checked))/m);
  });

  test('the session key is in no log line and no file the input wrote', () => {
    expect(stderr).not.toContain(KEY);
    const files = [...readTree(join(h.home, 'var', 'log')), ...readTree(checkpointDir)];
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(f.text).not.toContain(KEY);
  });

  test('eventgen.log has the JSON log lines; eventgen-metrics.log has events and bytes per sample', () => {
    const logDir = join(h.home, 'var', 'log', 'splunk');
    const log = readFileSync(join(logDir, 'eventgen.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log.some((l) => l.level === 50 && String(l.msg).includes('nosuch'))).toBe(true);
    expect(log.every((l) => l.input === 'eventgen://default' && typeof l.time === 'string')).toBe(true);
    const metrics = readFileSync(join(logDir, 'eventgen-metrics.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | string>);
    const bySample = new Map<string, { events: number; bytes: number }>();
    for (const m of metrics) {
      expect(m).toMatchObject({ component: 'metrics', input: 'eventgen://default' });
      const t = bySample.get(String(m.sample)) ?? { events: 0, bytes: 0 };
      t.events += Number(m.events);
      t.bytes += Number(m.bytes);
      bySample.set(String(m.sample), t);
    }
    expect([...bySample.keys()].sort()).toEqual(['app_auth/auth\\.log:auth.log', 'app_auth/replay\\.log:replay.log', 'app_auth/ticker', 'app_web/web\\.log:web.log']);
    // Per sample, the metrics add up to what splunkd received.
    expect(bySample.get('app_web/web\\.log:web.log')!.events).toBe(byIndex(events, 'web').length);
    expect(bySample.get('app_auth/ticker')!.events).toBe(byIndex(events, 'plugins').length);
    for (const t of bySample.values()) expect(t.bytes).toBeGreaterThan(t.events * 50);
  });

  test('the checkpoint file records each sample\'s progress', () => {
    const files = readdirSync(checkpointDir);
    expect(files).toEqual([expect.stringMatching(/^stanza-default-[0-9a-f]{8}\.json$/)]);
    const cp = JSON.parse(readFileSync(join(checkpointDir, files[0]), 'utf8')) as { stanza: string; samples: Record<string, { events: number; lastAt: number }> };
    expect(cp.stanza).toBe('eventgen://default');
    expect(cp.samples['app_web/web\\.log:web.log'].events).toBe(byIndex(events, 'web').length);
  });
});

describe('one app is never generated twice', () => {
  const localInputs = () => join(h.apps, 'eventgen', 'local', 'inputs.conf');
  afterEach(() => rmSync(join(h.apps, 'eventgen', 'local'), { recursive: true, force: true }));

  async function indexesOf(stanza: string, params: Record<string, string>): Promise<{ indexes: string[]; stderr: string }> {
    const run = start(h, inputXml(h, h.checkpointDir('twice'), { name: stanza, params }));
    await waitForLog(run, /Running \d+ sample|Nothing to run/);
    await new Promise((r) => setTimeout(r, 1500));
    const { result } = await stopTimed(run);
    expect(result).toMatchObject({ code: 0, sawStreamEnd: true });
    return { indexes: [...new Set(run.events.map((e) => e.index ?? ''))].sort(), stderr: logText(run.logs) };
  }

  test('an apps list claims its apps; the unrestricted input runs the rest', async () => {
    mkdirSync(join(h.apps, 'eventgen', 'local'), { recursive: true });
    writeFileSync(localInputs(), '[eventgen://default]\ndisabled = 0\n\n[eventgen://web]\ndisabled = 0\napps = app_web\n');
    const web = await indexesOf('eventgen://web', { apps: 'app_web' });
    expect(web.indexes).toEqual(['web']);
    const rest = await indexesOf('eventgen://default', {});
    expect(rest.indexes).toEqual(['auth', 'plugins', 'replay']);
    expect(rest.stderr).toMatch(/^INFO App app_web is run by the input eventgen:\/\/web/m);
  });

  test('of two inputs without an apps list, only the first by name runs', async () => {
    mkdirSync(join(h.apps, 'eventgen', 'local'), { recursive: true });
    writeFileSync(localInputs(), '[eventgen://default]\ndisabled = 0\n\n[eventgen://another]\ndisabled = 0\n');
    const idle = await indexesOf('eventgen://default', {});
    expect(idle.indexes).toEqual([]);
    expect(idle.stderr).toMatch(/^WARN Nothing to run: the enabled input eventgen:\/\/another has no apps list either/m);
  });
});

describe('lifecycle and restarts', () => {
  test('a restart resumes from the checkpoint: no interval repeated, none skipped', async () => {
    const hc = await makeSplunkHome(['app_ckpt']);
    try {
      const dir = hc.checkpointDir('restart');
      const times = async (atLeast: number): Promise<number[]> => {
        const run = start(hc, inputXml(hc, dir, { name: 'eventgen://ckpt', params: { apps: 'app_ckpt' } }));
        await waitFor(run, (ev) => ev.length >= atLeast, `${atLeast} events`);
        const { result } = await stopTimed(run);
        expect(result).toMatchObject({ code: 0, sawStreamEnd: true });
        return run.events.map((e) => Number(e.time));
      };
      // One event per second; the first run backfills 30 s, then runs live for a few seconds.
      const first = await times(33);
      await new Promise((r) => setTimeout(r, 4000));
      const second = await times(8);
      // Event times have a resolution of one second (as in the original).
      const last = Math.max(...first);
      // Not repeated: the configured 30 s backfill is not generated again; nothing in the second
      // run is older than the last event of the first.
      expect(Math.min(...second)).toBeGreaterThanOrEqual(last);
      // Not skipped: the 4 s and more between the runs were caught up at the sample's rate, so
      // the merged timeline has no hole (a backfill spreads each interval's events over it).
      const all = [...first, ...second].sort((a, b) => a - b);
      for (let i = 1; i < all.length; i++) expect(all[i] - all[i - 1]).toBeLessThanOrEqual(2);
      expect(second.filter((t) => t <= last + 4).length).toBeGreaterThanOrEqual(3);
    } finally {
      await hc.close();
    }
  });

  test('a restarted replay continues where it stopped, on its first timeline', async () => {
    const hc = await makeSplunkHome(['app_replay']);
    try {
      const dir = hc.checkpointDir('replay');
      const once = async (until: (ev: StreamEvent[]) => boolean, what: string): Promise<StreamEvent[]> => {
        const run = start(hc, inputXml(hc, dir, { name: 'eventgen://replay', params: { apps: 'app_replay' } }));
        await waitFor(run, until, what).catch(async (e: Error) => {
          await run.stop(6000);
          throw e;
        });
        const { result } = await stopTimed(run);
        expect(result).toMatchObject({ code: 0, sawStreamEnd: true });
        return run.events;
      };
      const step = (e: StreamEvent) => Number(/step (\d+)$/.exec(e.data)?.[1]);
      const first = await once((ev) => ev.length >= 4, '4 events');
      await new Promise((r) => setTimeout(r, 1000));
      const second = await once((ev) => ev.some((e) => step(e) === 11), 'the last step');
      // Each step once: the second run neither repeats nor skips one.
      expect([...first, ...second].map(step)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      // One timeline: step k is due k × 0.5 s after step 0 of the first run.
      const t0 = Number(first[0].time);
      for (const e of [...first, ...second]) expect(Number(e.time) - t0).toBeCloseTo(step(e) * 0.5, 2);
    } finally {
      await hc.close();
    }
  });

  test('an edited eventgen.conf is picked up while the input runs: samples restart with it, continuing their timeline', async () => {
    const hc = await makeSplunkHome(['app_ckpt']);
    const run = start(hc, inputXml(hc, hc.checkpointDir('reload'), { name: 'eventgen://reload', params: { apps: 'app_ckpt', reload_interval: '1' } }));
    let stopped = false;
    try {
      await waitFor(run, (ev) => ev.length >= 33, 'the backfill and a few live events');
      const conf = join(hc.apps, 'app_ckpt', 'default', 'eventgen.conf');
      writeFileSync(conf, readFileSync(conf, 'utf8').replace('sourcetype = ckpt', 'sourcetype = ckpt_v2'));
      await waitFor(run, (ev) => ev.filter((e) => e.sourcetype === 'ckpt_v2').length >= 3, 'events with the new sourcetype');
      const { result } = await stopTimed(run);
      stopped = true;
      expect(result).toMatchObject({ code: 0, sawStreamEnd: true });
      const old = run.events.filter((e) => e.sourcetype === 'ckpt');
      const neu = run.events.filter((e) => e.sourcetype === 'ckpt_v2');
      expect(old.length + neu.length).toBe(run.events.length);
      // The new configuration continues the timeline: no backfill again, no hole.
      const lastOld = Math.max(...old.map((e) => Number(e.time)));
      expect(Math.min(...neu.map((e) => Number(e.time)))).toBeGreaterThanOrEqual(lastOld);
      const all = run.events.map((e) => Number(e.time)).sort((x, y) => x - y);
      for (let i = 1; i < all.length; i++) expect(all[i] - all[i - 1]).toBeLessThanOrEqual(2);
      expect(logText(run.logs)).toContain('eventgen.conf changed in splunkd');
    } finally {
      if (!stopped) await run.stop(6000);
      await hc.close();
    }
  });

  test('a stdin held open by the parent and then closed stops the input like SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const { splunkdEnv, parseEventStream } = await import('../../stand-ins/splunkd');
    const child = spawn(SCRIPT, [], { env: splunkdEnv(h.home, { EVENTGEN_METRICS_INTERVAL_MS: '400' }), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stdin.write(inputXml(h, h.checkpointDir('stdin'), { params: { apps: 'app_auth' } }));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const t0 = Date.now();
    while (!out.includes('</event>') && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain('</event>');
    // EOF right behind the definition is how splunkd always ends it; this one comes later.
    await new Promise((r) => setTimeout(r, 1200));
    const t1 = Date.now();
    child.stdin.end();
    const code = await exited;
    expect(Date.now() - t1).toBeLessThan(5000);
    expect(code).toBe(0);
    const parsed = parseEventStream(out);
    expect(parsed.sawStreamEnd).toBe(true);
    expect(parsed.events.length).toBeGreaterThan(0);
  });
  test('splunkd going away (stdout closed) stops the input at once', async () => {
    const { spawn } = await import('node:child_process');
    const { splunkdEnv } = await import('../../stand-ins/splunkd');
    const child = spawn(SCRIPT, [], { env: splunkdEnv(h.home, { EVENTGEN_METRICS_INTERVAL_MS: '400' }), stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    child.stdin.end(inputXml(h, h.checkpointDir('epipe'), { params: { apps: 'app_auth' } }));
    await new Promise<void>((r) => child.stdout.once('data', () => r()));
    const t0 = Date.now();
    child.stdout.destroy();
    const code = await exited;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(code).toBe(0);
    expect(err).not.toMatch(/FATAL|Unhandled|at .*\.js:\d+/);
  });
});

test('fixtures: the test apps are laid out as expected', () => {
  expect(existsSync(join(h.apps, 'app_off', 'default', 'app.conf'))).toBe(true);
  expect(readFileSync(join(h.apps, 'app_off', 'default', 'app.conf'), 'utf8')).toMatch(/state = disabled/);
});
