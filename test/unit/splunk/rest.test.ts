/** SplunkRestClient against the splunkd stand-in, over both transports. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SplunkRestClient, SplunkRestError, type SplunkRestClientOptions } from '../../../lib/splunk/rest';
import { EXPORT_SYSTEM_META, layoutApps, startSplunkdRest, type SplunkdRestHandle } from '../../stand-ins/splunkd';

const KEY = 'session-key-123';

function appsLayout(): string {
  const many = Array.from({ length: 45 }, (_, i) => `[bulk.${String(i).padStart(2, '0')}]\ncount = ${i}\n`).join('');
  return layoutApps(mkdtempSync(join(tmpdir(), 'rest-apps-')), {
    'SA-Eventgen': {
      'default/app.conf': '[ui]\nis_visible = true\nlabel = SA-Eventgen\n[launcher]\nversion = 7.2.1\n',
      'metadata/default.meta': EXPORT_SYSTEM_META,
      'default/eventgen.conf': '[global]\nindex = main\ndisabled = false\n',
    },
    bundle_a: {
      'metadata/default.meta': EXPORT_SYSTEM_META,
      'default/eventgen.conf': '[sample.tutorial1]\nmode = replay\ntoken.0.token = \\d{4}-\\d{2}\n[web_.*\\.log]\ncount = 20\ndisabled = 1\n[shared.sample]\nfrom = a\n',
    },
    bundle_b: {
      'metadata/default.meta': EXPORT_SYSTEM_META,
      'default/eventgen.conf': '[shared.sample]\nfrom = b\n',
    },
    bulk: { 'metadata/default.meta': EXPORT_SYSTEM_META, 'default/eventgen.conf': many },
    private_app: { 'default/eventgen.conf': '[private.sample]\ncount = 1\n' },
    off_app: {
      'metadata/default.meta': EXPORT_SYSTEM_META,
      'local/app.conf': '[install]\nstate = disabled\n',
      'default/eventgen.conf': '[off.sample]\ncount = 1\n',
    },
    hidden_app: { 'default/app.conf': '[ui]\nis_visible = false\n' },
  });
}

const quiet = { debug: jest.fn(), warn: jest.fn() };

describe.each(['https', 'splunk-sdk'] as const)('SplunkRestClient (%s transport)', (transport) => {
  let h: SplunkdRestHandle;
  const clients: SplunkRestClient[] = [];
  const client = (o: Partial<SplunkRestClientOptions> = {}) => {
    const c = new SplunkRestClient({ serverUri: h.uri, sessionKey: KEY, transport, retryBaseMs: 5, retryMaxMs: 20, logger: quiet, ...o });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    h = await startSplunkdRest({ appsDir: appsLayout(), sessionKey: KEY });
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await h.close();
  });
  beforeEach(() => {
    h.requests.length = 0;
    quiet.warn.mockClear();
  });

  test('reads every stanza with its app; drops eai:* and disabled from settings', async () => {
    const stanzas = await client().fetchConfStanzas();
    expect(stanzas).toHaveLength(1 + 3 + 45);
    expect(h.requests[0].path).toBe('/servicesNS/nobody/-/configs/conf-eventgen');
    expect(h.requests[0].query.output_mode).toBe('json');
    const byName = Object.fromEntries(stanzas.map((s) => [s.name, s]));
    expect(byName.global).toEqual({ name: 'global', app: 'SA-Eventgen', disabled: false, settings: { index: 'main' } });
    expect(byName['sample.tutorial1'].settings).toEqual({ mode: 'replay', 'token.0.token': '\\d{4}-\\d{2}' });
    expect(byName['web_.*\\.log']).toMatchObject({ app: 'bundle_a', disabled: true, settings: { count: '20' } });
    expect(byName['private.sample']).toBeUndefined(); // not exported
    expect(byName['off.sample']).toBeUndefined(); // app disabled
  });

  test('a stanza name defined by two apps: the first wins, or all with duplicates: "all"', async () => {
    const first = (await client().fetchConfStanzas()).filter((s) => s.name === 'shared.sample');
    expect(first).toEqual([{ name: 'shared.sample', app: 'bundle_a', disabled: false, settings: { from: 'a' } }]);
    const all = (await client().fetchConfStanzas('eventgen', { duplicates: 'all' })).filter((s) => s.name === 'shared.sample');
    expect(all.map((s) => s.app)).toEqual(['bundle_a', 'bundle_b']);
  });

  test('follows paging (more than 30 stanzas, page size 10)', async () => {
    const stanzas = await client({ pageSize: 10 }).fetchConfStanzas();
    expect(stanzas).toHaveLength(49);
    expect(h.requests.map((r) => [r.query.count, r.query.offset])).toEqual([0, 10, 20, 30, 40].map((o) => ['10', String(o)]));
    expect(new Set(stanzas.map((s) => s.name)).size).toBe(49);
  });

  test('page size 0 asks for everything in one request', async () => {
    expect(await client({ pageSize: 0 }).fetchConfStanzas()).toHaveLength(49);
    expect(h.requests).toHaveLength(1);
  });

  test('a missing conf file is an empty list', async () => {
    expect(await client().fetchConfStanzas('doesnotexist')).toEqual([]);
  });

  test('401: the session key is rejected, not retried', async () => {
    const err = await client({ sessionKey: 'SECRET-zq81' }).fetchConfStanzas().catch((e) => e);
    expect(err).toBeInstanceOf(SplunkRestError);
    expect(err).toMatchObject({ kind: 'unauthorized', status: 401, attempts: 1, splunkMessages: ['call not properly authenticated'] });
    expect(err.message).toMatch(/rejected the session key \(HTTP 401\): call not properly authenticated/);
    expect(err.message).not.toContain('SECRET-zq81');
    expect(h.requests).toHaveLength(1);
  });

  test('404 on the endpoint itself is an error', async () => {
    const err = await client().fetchConfStanzas('eventgen', { app: 'no_such_app' }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'not_found', status: 404 });
    expect(err.message).toContain('Application does not exist: no_such_app');
    h.failNext({ status: 404 });
    await expect(client().fetchConfStanzas()).rejects.toMatchObject({ kind: 'not_found' });
  });

  test('500 then success is retried, with a warning', async () => {
    h.failNext({ status: 500 });
    expect(await client({ pageSize: 0 }).fetchConfStanzas()).toHaveLength(49);
    expect(h.requests).toHaveLength(2);
    expect(quiet.warn).toHaveBeenCalledTimes(1);
    expect(quiet.warn.mock.calls[0][0]).toMatchObject({ attempt: 1, reason: expect.stringContaining('HTTP 500') });
  });

  test('persistent 503 gives up after the retries', async () => {
    h.failNext({ status: 503 }, { status: 503 }, { status: 503 });
    const err = await client({ retries: 2 }).listApps().catch((e) => e);
    expect(err).toMatchObject({ kind: 'http', status: 503, attempts: 3 });
    expect(err.message).toMatch(/failed with HTTP 503: Injected HTTP 503; 3 attempt/);
  });

  test('a hang becomes a timeout error; a hang then an answer succeeds', async () => {
    h.failNext({ hang: true });
    const t0 = Date.now();
    const err = await client({ timeoutMs: 300, retries: 0 }).fetchConfStanzas().catch((e) => e);
    expect(err).toMatchObject({ kind: 'timeout', attempts: 1 });
    expect(Date.now() - t0).toBeLessThan(3000);
    h.failNext({ hang: true });
    expect((await client({ timeoutMs: 300, retries: 1 }).serverInfo()).serverName).toBe('splunkd-standin');
  });

  test('a reset connection is retried', async () => {
    h.failNext({ reset: true });
    expect(await client().listApps()).toEqual(expect.arrayContaining([{ name: 'off_app', disabled: true, visible: true, label: 'off_app', version: '' }]));
  });

  test('nothing listening: a network error after the retries', async () => {
    const closed = await startSplunkdRest({ appsDir: mkdtempSync(join(tmpdir(), 'rest-none-')), sessionKey: KEY });
    await closed.close();
    const c = new SplunkRestClient({ serverUri: closed.uri, sessionKey: KEY, transport, retries: 1, retryBaseMs: 5 });
    const err = await c.fetchConfStanzas().catch((e) => e);
    expect(err).toMatchObject({ kind: 'network', attempts: 2 });
    expect(err.message).toContain('ECONNREFUSED');
    c.close();
  });

  test('listApps reports disabled and hidden apps; serverInfo', async () => {
    const apps = Object.fromEntries((await client().listApps()).map((a) => [a.name, a]));
    expect(apps.off_app.disabled).toBe(true);
    expect(apps.hidden_app.visible).toBe(false);
    expect(apps['SA-Eventgen']).toEqual({ name: 'SA-Eventgen', disabled: false, visible: true, label: 'SA-Eventgen', version: '7.2.1' });
    expect(await client().serverInfo()).toEqual({ serverName: 'splunkd-standin', version: '10.0.0', build: 'e8eb0c4654f8' });
  });
});

describe('TLS', () => {
  let h: SplunkdRestHandle;
  beforeAll(async () => {
    h = await startSplunkdRest({ appsDir: appsLayout(), sessionKey: KEY, tls: true });
  });
  afterAll(() => h.close());
  const tlsTest = (name: string, fn: () => Promise<void>) => test(name, async () => {
    if (!h.tls) return; // no openssl here: the stand-in serves plain HTTP (documented)
    await fn();
  });

  tlsTest('loopback: unverified by default, like a modular input talking to its own splunkd', async () => {
    for (const transport of ['https', 'splunk-sdk'] as const) {
      const c = new SplunkRestClient({ serverUri: h.uri, sessionKey: KEY, transport });
      expect(await c.fetchConfStanzas()).toHaveLength(49);
      c.close();
    }
  });

  tlsTest('strict: the CA and the certificate name verify; without them TLS fails at once', async () => {
    const strict = new SplunkRestClient({ serverUri: h.uri, sessionKey: KEY, tls: { rejectUnauthorized: true, ca: h.caPem, servername: 'SplunkServerDefaultCert' } });
    expect((await strict.serverInfo()).version).toBe('10.0.0');
    strict.close();
    for (const tls of [{ rejectUnauthorized: true }, { rejectUnauthorized: true, ca: h.caPem }]) {
      const c = new SplunkRestClient({ serverUri: h.uri, sessionKey: KEY, tls, retries: 3, retryBaseMs: 5 });
      const err = await c.serverInfo().catch((e) => e);
      expect(err).toMatchObject({ kind: 'tls', attempts: 1 });
      c.close();
    }
  });

  test('the splunk-sdk transport refuses to pretend it verifies TLS', () => {
    expect(() => new SplunkRestClient({ serverUri: 'https://127.0.0.1:8089', sessionKey: KEY, transport: 'splunk-sdk', tls: { rejectUnauthorized: true } })).toThrow(/cannot verify TLS/);
  });
});

describe('options', () => {
  test('bad server_uri, empty key and bad conf names are config errors', async () => {
    expect(() => new SplunkRestClient({ serverUri: 'not a url', sessionKey: KEY })).toThrow(SplunkRestError);
    expect(() => new SplunkRestClient({ serverUri: 'ftp://h', sessionKey: KEY })).toThrow(/must be http/);
    expect(() => new SplunkRestClient({ serverUri: 'https://127.0.0.1:8089', sessionKey: '' })).toThrow(/empty/);
    const c = new SplunkRestClient({ serverUri: 'https://127.0.0.1:8089', sessionKey: KEY });
    await expect(c.fetchConfStanzas('../passwords')).rejects.toMatchObject({ kind: 'config' });
    c.close();
  });
});

describe('loading splunk-sdk leaves the process alone', () => {
  const cwd = process.cwd();
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dotenv-probe-'));
    writeFileSync(join(dir, '.env'), 'SPLUNK_EVENTGEN_PROBE=1\n');
    delete process.env.SPLUNK_EVENTGEN_PROBE;
    process.chdir(dir);
  });
  afterEach(() => {
    process.chdir(cwd);
    delete process.env.SPLUNK_EVENTGEN_PROBE;
  });

  test('control: a plain require of splunk-sdk does import .env from the cwd', () => {
    const logLevel = process.env.LOG_LEVEL;
    jest.isolateModules(() => {
      require('splunk-sdk');
    });
    expect(process.env.SPLUNK_EVENTGEN_PROBE).toBe('1');
    if (logLevel === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = logLevel;
  });

  test('loadSplunkSdk: no .env import, LOG_LEVEL untouched, and its Logger never reaches stdout', async () => {
    const before = { ...process.env };
    process.env.LOG_LEVEL = '4'; // would make the SDK print splunkd messages with console.log/info
    let rest!: typeof import('../../../lib/splunk/rest');
    jest.isolateModules(() => {
      rest = require('../../../lib/splunk/rest');
    });
    rest.loadSplunkSdk();
    expect(process.env.SPLUNK_EVENTGEN_PROBE).toBeUndefined();
    expect(process.env.LOG_LEVEL).toBe('4');
    delete process.env.LOG_LEVEL;
    expect({ ...process.env }).toEqual(before);

    const h = await startSplunkdRest({ appsDir: appsLayout(), sessionKey: KEY });
    const stdout = jest.spyOn(process.stdout, 'write');
    const log = jest.spyOn(console, 'log');
    const info = jest.spyOn(console, 'info');
    process.env.LOG_LEVEL = '4';
    try {
      const c = new rest.SplunkRestClient({ serverUri: h.uri, sessionKey: 'wrong', transport: 'splunk-sdk', retries: 0 });
      await expect(c.fetchConfStanzas()).rejects.toMatchObject({ kind: 'unauthorized' });
      expect(stdout).not.toHaveBeenCalled();
      expect(log).not.toHaveBeenCalled();
      expect(info).not.toHaveBeenCalled();
    } finally {
      delete process.env.LOG_LEVEL;
      stdout.mockRestore();
      log.mockRestore();
      info.mockRestore();
      await h.close();
    }
  });
});
