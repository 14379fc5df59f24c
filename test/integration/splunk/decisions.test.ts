/**
 * The modular input's decisions, one function at a time (docs/SPLUNK.md): which stanza runs which
 * apps, REST stanzas → one source per app, checkpoints → settings after a restart, outputs inside
 * Splunk, secrets in diagnostics, rotating metrics files.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { resolveSamples } from '../../../lib/conf/resolve';
import type { SampleSpec } from '../../../lib/plugins/api';
import { findSplunkHome, inputClaims, planStanza, sourcesFromDisk, sourcesFromRest } from '../../../lib/splunk/apps';
import { applyCheckpoints, CheckpointStore } from '../../../lib/splunk/checkpoint';
import { forceOutputMode, isModularInputCall, ownAppDir, redactDiagnostic, splunkRegistry } from '../../../lib/splunk/input';
import { RotatingFile, SampleMetrics } from '../../../lib/splunk/metrics';
import type { ConfStanzaEntry } from '../../../lib/splunk/rest';
import { StdoutSink } from '../../../lib/output/stdout-sink';
import { FIXTURE_APPS } from './support';

const tmp = () => mkdtempSync(join(tmpdir(), 'eventgen-decisions-'));

describe('planStanza: no app generates twice', () => {
  const all = ['app_a', 'app_b', 'app_c'];
  test('alone and unrestricted: every app', () => {
    expect(planStanza({ name: 'eventgen://default', apps: [] }, [], all).run).toEqual(all);
  });
  test('unrestricted next to an apps list: every app the list does not claim', () => {
    const p = planStanza({ name: 'eventgen://default', apps: [] }, [{ name: 'eventgen://b', apps: ['app_b'] }], all);
    expect(p.run).toEqual(['app_a', 'app_c']);
    expect(p.notes).toEqual([{ level: 'info', msg: 'App app_b is run by the input eventgen://b (its apps list names it).' }]);
  });
  test('two unrestricted inputs: the first by name runs, the other idles', () => {
    expect(planStanza({ name: 'eventgen://a', apps: [] }, [{ name: 'eventgen://z', apps: [] }], all).run).toEqual(all);
    const idle = planStanza({ name: 'eventgen://z', apps: [] }, [{ name: 'eventgen://a', apps: [] }], all);
    expect(idle.run).toEqual([]);
    expect(idle.idleReason).toMatch(/eventgen:\/\/a has no apps list either/);
  });
  test('overlapping apps lists: the first by name keeps the app; unknown apps are warned about', () => {
    const p = planStanza({ name: 'eventgen://y', apps: ['app_a', 'app_b', 'nope'] }, [{ name: 'eventgen://x', apps: ['app_a'] }], all);
    expect(p.run).toEqual(['app_b']);
    expect(p.notes.map((n) => n.level)).toEqual(['warn', 'warn']);
    expect(p.notes[1].msg).toMatch(/App nope .* has no runnable eventgen\.conf stanza/);
  });
  test('inputClaims keeps enabled eventgen:// stanzas only', () => {
    const e = (name: string, disabled: boolean, apps?: string): ConfStanzaEntry => ({ name, app: 'eventgen', disabled, settings: apps ? { apps } : {} });
    expect(inputClaims([e('eventgen', false), e('eventgen://a', false, 'x, y'), e('eventgen://b', true), e('monitor:///var/log', false)], 'eventgen'))
      .toEqual([{ name: 'eventgen://a', apps: ['x', 'y'] }]);
  });
});

describe('sourcesFromRest', () => {
  const entry = (app: string, name: string, settings: Record<string, string>, disabled = false): ConfStanzaEntry => ({ app, name, disabled, settings });

  test('one source per app; our [global] is the base; [default] dropped; disabled stanzas and apps skipped', () => {
    const r = sourcesFromRest([
      entry('eventgen', 'global', { index: 'main', count: '-1' }),
      entry('app_b', 'default', { host: 'x' }),
      entry('app_b', 'b\\.log', { count: '2' }),
      entry('app_b', 'old\\.log', {}, true),
      entry('app_a', 'global', { index: 'a_idx' }),
      entry('app_a', 'a\\.log', {}),
      entry('app_off', 'off\\.log', {}),
    ], { splunkHome: '/opt/splunk', ownApp: 'eventgen', disabledApps: new Set(['app_off']) });
    expect(r.sources.map((s) => s.app)).toEqual(['app_a', 'app_b']);
    expect(r.baseGlobal?.settings.get('index')?.value).toBe('main');
    expect([...r.sources[1].conf.stanzas.keys()]).toEqual(['b\\.log']);
    expect(r.sources[0].defaultSampleDir).toBe('/opt/splunk/etc/apps/app_a/samples');
    expect(r.sources[0].confDir).toBe('/opt/splunk/etc/apps/app_a/default');
    expect(r.disabledStanzas).toEqual(['app_b/old\\.log']);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['App app_off is disabled; its eventgen.conf stanzas are skipped.']);
  });

  test('resolved: an app\'s [global] over ours, sampleDir relative to the app\'s default/', () => {
    const home = tmp();
    mkdirSync(join(home, 'etc', 'apps'), { recursive: true });
    cpSync(join(FIXTURE_APPS, 'app_web'), join(home, 'etc', 'apps', 'app_web'), { recursive: true });
    mkdirSync(join(home, 'etc', 'apps', 'app_web', 'other'), { recursive: true });
    writeFileSync(join(home, 'etc', 'apps', 'app_web', 'other', 'x.log'), 'x\n');
    const r = sourcesFromRest([
      entry('eventgen', 'global', { index: 'main', sourcetype: 'eventgen', count: '1' }),
      entry('app_web', 'global', { index: 'web' }),
      entry('app_web', 'x\\.log', { sampleDir: '../other' }),
    ], { splunkHome: home, ownApp: 'eventgen' });
    const reg = splunkRegistry(new StdoutSink(new PassThrough()));
    const res = resolveSamples(r.sources, { schema: reg.schema, generatorNeedsFile: () => true, baseGlobal: r.baseGlobal });
    expect(res.diagnostics).toEqual([]);
    expect(res.samples.map((s) => [s.id, s.settings.index, s.settings.sourcetype, s.file])).toEqual([
      ['app_web/x\\.log:x.log', 'web', 'eventgen', join(home, 'etc', 'apps', 'app_web', 'other', 'x.log')],
    ]);
  });

  test('sourcesFromDisk: enabled, exporting apps (and ours), local over default', () => {
    const home = tmp();
    for (const a of ['app_web', 'app_off', 'app_private']) cpSync(join(FIXTURE_APPS, a), join(home, 'etc', 'apps', a), { recursive: true });
    mkdirSync(join(home, 'etc', 'apps', 'eventgen', 'default'), { recursive: true });
    writeFileSync(join(home, 'etc', 'apps', 'eventgen', 'default', 'eventgen.conf'), '[global]\nindex = main\n');
    mkdirSync(join(home, 'etc', 'apps', 'app_web', 'local'), { recursive: true });
    writeFileSync(join(home, 'etc', 'apps', 'app_web', 'local', 'eventgen.conf'), '[web\\.log]\ncount = 9\n');
    const r = sourcesFromDisk(home, 'eventgen');
    expect(r.sources.map((s) => s.app)).toEqual(['app_web']);
    expect(r.baseGlobal?.settings.get('index')?.value).toBe('main');
    expect(r.sources[0].conf.stanzas.get('web\\.log')?.settings.get('count')?.value).toBe('9');
    expect(r.disabledStanzas).toEqual(['app_web/retired\\.log']);
  });
});

describe('where things are', () => {
  test('$SPLUNK_HOME from the environment, else from <home>/etc/apps/<app>', () => {
    expect(findSplunkHome({ SPLUNK_HOME: '/opt/splunk' }, '/x/y')).toBe('/opt/splunk');
    expect(findSplunkHome({}, '/opt/splunk/etc/apps/eventgen')).toBe('/opt/splunk');
    expect(findSplunkHome({}, '/home/me/eventgen')).toBeUndefined();
  });
  test('our app folder: bin/.. when bundled, the repository when built', () => {
    expect(ownAppDir('/opt/splunk/etc/apps/eventgen/bin')).toBe('/opt/splunk/etc/apps/eventgen');
    expect(ownAppDir('/work/main/build/lib/splunk')).toBe('/work/main');
  });
  test('which command lines are splunkd calling the packaged CLI', () => {
    expect(isModularInputCall(['--scheme'], {}, true)).toBe(true);
    expect(isModularInputCall([], { SPLUNK_HOME: '/opt/splunk' }, false)).toBe(true);
    expect(isModularInputCall([], { SPLUNK_HOME: '/opt/splunk' }, true)).toBe(false);
    expect(isModularInputCall(['generate', 'x'], { SPLUNK_HOME: '/opt/splunk' }, false)).toBe(false);
  });
});

describe('outputs inside Splunk', () => {
  const reg = splunkRegistry(new StdoutSink(new PassThrough()));
  const sample = (outputMode: string): SampleSpec => ({ id: 'a/s', stanza: 's', confDir: '/', confFile: '/x', sampleDir: '/', settings: { outputMode }, tokens: [] });
  test.each([['stdout', 'modinput'], ['httpevent', 'modinput'], ['nonesuch', 'modinput'], ['file', 'file'], ['spool', 'spool'], ['devnull', 'devnull'], ['modinput', 'modinput']])(
    'outputMode = %s → %s', (from, to) => {
      expect(forceOutputMode(sample(from), reg).sample.settings.outputMode).toBe(to);
    });
  test('modinput gives each sample a runner of its own (exact per-sample metrics)', () => {
    const m = reg.get('output', 'modinput')!.plugin;
    expect(m.instanceKey!(sample('modinput'))).toBe('sample:a/s');
    expect(m.encode).toBeDefined();
  });
});

test('diagnostics about secret settings never show the value', () => {
  const d = redactDiagnostic({ severity: 'error', setting: 'httpeventServers', value: '{"servers":[{"key":"SECRET"}', message: 'httpeventServers is not valid JSON (Unexpected token in "{"servers":[{"key":"SECRET"}"). This stanza is skipped.' });
  expect(JSON.stringify(d)).not.toContain('SECRET');
  expect(d.message).toBe('httpeventServers is not valid JSON (details hidden: this setting holds a secret).');
  const plain = { severity: 'error' as const, setting: 'count', value: 'x', message: 'count must be a number' };
  expect(redactDiagnostic(plain)).toBe(plain);
});

describe('checkpoints', () => {
  const s = (id: string, settings: Record<string, unknown>): SampleSpec => ({
    id, stanza: id, confDir: '/', confFile: '/x', sampleDir: '/', tokens: [],
    settings: { interval: 60, timezone: 'local', count: 1, ...settings },
  });
  const NOW = Math.floor(Date.now() / 60_000) * 60_000;

  function storeWith(records: Array<[SampleSpec, number[]]>): CheckpointStore {
    const dir = tmp();
    const st = CheckpointStore.open(dir, 'eventgen://t');
    for (const [sample, ats] of records) {
      st.track(sample, ats[0]);
      for (const at of ats) st.record(sample.id, 1, at, at);
    }
    st.save();
    return CheckpointStore.open(dir, 'eventgen://t');
  }

  test('an endless sample catches up from where it stopped, instead of its configured backfill', () => {
    const a = s('a', { backfill: '-1h' });
    const st = storeWith([[a, [NOW - 600_000, NOW - 540_000]]]);
    const r = applyCheckpoints([a], st, NOW, { isQueueable: () => true });
    expect(r.samples[0].settings.backfill).toBe(((NOW - 540_000) / 1000).toFixed(3));
  });

  test('no gap: the configured backfill is dropped, not repeated', () => {
    const a = s('a', { backfill: '-1h' });
    const st = storeWith([[a, [NOW]]]);
    expect(applyCheckpoints([a], st, NOW, { isQueueable: () => true }).samples[0].settings.backfill).toBeUndefined();
  });

  test('a long gap is caught up only for the last 24 h (or the configured backfill, if longer)', () => {
    const a = s('a', {});
    const st = storeWith([[a, [NOW - 3 * 86_400_000]]]);
    const r = applyCheckpoints([a], st, NOW, { isQueueable: () => true, maxCatchUpMs: 86_400_000 });
    expect(r.samples[0].settings.backfill).toBe(((NOW - 86_400_000) / 1000).toFixed(3));
    expect(r.notes[0].level).toBe('warn');
  });

  test('end = N runs what is left; a finished sample does not run again', () => {
    const a = s('a', { end: '5' });
    const b = s('b', { end: '2' });
    const st = storeWith([[a, [NOW - 120_000, NOW - 60_000]], [b, [NOW - 120_000, NOW - 60_000]]]);
    expect(st.get('b')?.done).toBe(true);
    const r = applyCheckpoints([a, b], st, NOW, { isQueueable: () => true });
    expect(r.samples.map((x) => [x.id, x.settings.end])).toEqual([['a', '3']]);
  });

  test('interval = 0 without end runs once, ever', () => {
    const a = s('a', { interval: 0 });
    const st = storeWith([[a, [NOW - 1000]]]);
    expect(applyCheckpoints([a], st, NOW, { isQueueable: () => true }).samples).toEqual([]);
  });

  test('non-queueable samples (replay) run unchanged; samples without a checkpoint are unchanged', () => {
    const a = s('a', {});
    const st = storeWith([[a, [NOW - 60_000]]]);
    const fresh = s('fresh', { backfill: '-1h' });
    const r = applyCheckpoints([a, fresh], st, NOW, { isQueueable: (x) => x.id !== 'a' });
    expect(r.samples).toEqual([a, fresh]);
    expect(r.notes[0].msg).toContain('saved no position; it starts from the beginning');
  });

  test('a replay\'s saved position survives the restart, next to its progress record', () => {
    const dir = tmp();
    const a = s('a', { end: '3' });
    const st = CheckpointStore.open(dir, 'eventgen://t');
    st.track(a, NOW - 60_000);
    st.record('a', 5, NOW - 60_000, NOW - 60_000);
    st.saveState('a', { v: 1, start: NOW - 60_000, pass: 0, next: 5, eventIndex: 5 }, NOW - 59_000);
    st.record('a', 2, NOW - 50_000, NOW - 50_000);
    st.stop();
    const again = CheckpointStore.open(dir, 'eventgen://t');
    expect(again.get('a')).toMatchObject({ events: 7, state: { pass: 0, next: 5, eventIndex: 5 } });
    const r = applyCheckpoints([a], again, NOW, { isQueueable: () => false });
    expect(r.samples).toEqual([a]);
    expect(r.notes[0]).toMatchObject({ level: 'info', msg: 'Sample a continues from the position it saved before the restart.' });
  });

  test('a corrupt file is set aside and the run starts without checkpoints', () => {
    const dir = tmp();
    const first = CheckpointStore.open(dir, 'eventgen://t');
    writeFileSync(first.file, '{not json');
    const warnings: string[] = [];
    const st = CheckpointStore.open(dir, 'eventgen://t', { warn: (_o, m) => warnings.push(String(m)), debug: () => undefined });
    expect(st.get('a')).toBeUndefined();
    expect(existsSync(`${first.file}.corrupt`)).toBe(true);
    expect(warnings[0]).toMatch(/cannot be read/);
  });
});

describe('metrics', () => {
  test('per-sample lines from per-sample runners; shared runners split by generated events', () => {
    const file = join(tmp(), 'm.log');
    let t = 0;
    const m = new SampleMetrics([
      { id: 'a', stanza: 'a', app: 'x', outputKey: 'modinput:sample:a' },
      { id: 'b', stanza: 'b', app: 'x', outputKey: 'file:f' },
      { id: 'c', stanza: 'c', app: 'x', outputKey: 'file:f' },
    ], { file, periodMs: 1000, now: () => t, input: 'eventgen://t' });
    const runners = new Map([['modinput:sample:a', { metrics: { events: 10, bytes: 1000 } }], ['file:f', { metrics: { events: 40, bytes: 400 } }]]);
    m.start(() => runners);
    m.onInterval('a', 10);
    m.onInterval('b', 30);
    m.onInterval('c', 10);
    t = 2000;
    m.stop();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.sample, l.events, l.bytes, l.shared ?? false, l.period_s])).toEqual([
      ['a', 10, 1000, false, 2], ['b', 30, 300, true, 2], ['c', 10, 100, true, 2],
    ]);
  });

  test('the file rotates at its size cap', () => {
    const dir = tmp();
    const f = new RotatingFile(join(dir, 'm.log'), 100, 2);
    for (let i = 0; i < 10; i++) f.write(`${'x'.repeat(40)}${i}\n`);
    f.close();
    expect(readFileSync(join(dir, 'm.log'), 'utf8').trim().split('\n')).toEqual([`${'x'.repeat(40)}8`, `${'x'.repeat(40)}9`]);
    expect(existsSync(join(dir, 'm.log.1')) && existsSync(join(dir, 'm.log.2')) && !existsSync(join(dir, 'm.log.3'))).toBe(true);
  });
});
