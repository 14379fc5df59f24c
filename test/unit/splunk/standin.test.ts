/**
 * The splunkd stand-in checked against the real and constructed fixtures, so that tests which rely
 * on it rely on something that behaves like splunkd (shared/docs/splunk-platform.md §8).
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import {
  EXPORT_SYSTEM_META, checkSchemeXml, fixturesDir, layoutApps, parseEventStream, parseStderrLine, readConfText,
  runModularInput, scheme, startSplunkdRest, validate, type SplunkdRestHandle,
} from '../../stand-ins/splunkd';

const FIX = fixturesDir();
const fixture = (rel: string) => readFileSync(join(FIX, rel));
const KEY = 'hY4nQ9ufvWn0ujO^ZYJ8Ig2WcQaDm0_1Vn0_zvc1PrdzrnMfY2b3jwAwo6D3YV9oZ8h';

/** The parts of a splunkd JSON feed these tests look at. */
interface FeedEntry { name: string; acl: { app: string; sharing: string }; content: Record<string, unknown> }
interface Feed { entry: FeedEntry[]; paging: unknown; updated: string; messages: unknown[] }

function get(h: SplunkdRestHandle, path: string, key: string | null = KEY): Promise<{ status: number; body: Feed }> {
  const lib = h.tls ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.get(`${h.uri}${path}`, { headers: key === null ? {} : { Authorization: `Splunk ${key}` }, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
}

/** The apps that reproduce constructed/rest/configs-conf-eventgen.two-apps.json. */
function twoAppsLayout(dir: string): string {
  return layoutApps(dir, {
    'SA-Eventgen': {
      'default/app.conf': '[install]\nstate = enabled\n[ui]\nis_visible = true\nlabel = SA-Eventgen\n[launcher]\nversion = 7.2.1\n',
      'metadata/default.meta': EXPORT_SYSTEM_META,
      'default/eventgen.conf': [
        '# defaults, as SA-Eventgen ships them', '[global]', 'disabled = false', 'debug = false', 'count = -1', 'delay = 0',
        'earliest = now', 'generator = default', 'generatorWorkers = 1', 'host = 127.0.0.1', 'index = main', 'interval = 60',
        'latest = now', 'mode = sample', 'outputMode = modinput', 'rater = config', 'sampletype = raw', 'sourcetype = eventgen',
        'threading = thread', 'timeMultiple = 1', '',
      ].join('\n'),
    },
    my_eventgen_bundle: {
      'metadata/default.meta': EXPORT_SYSTEM_META,
      'default/eventgen.conf': [
        '[sample.tutorial1]', 'mode = replay', 'sampletype = csv', 'timeMultiple = 2', 'outputMode = modinput', 'index = main',
        'token.0.token = \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3,6}', 'token.0.replacementType = replaytimestamp',
        'token.0.replacement = %Y-%m-%d %H:%M:%S,%f', '', '[web_.*\\.log]', 'count = 5', 'interval = 10', '',
      ].join('\n'),
      // local/ overrides default/ key by key.
      'local/eventgen.conf': [
        '[web_.*\\.log]', 'count = 20', 'earliest = -15s', 'latest = now', 'generator = weblog_gen', 'outputMode = modinput',
        'sourcetype = access_combined', 'source = web_access.log', 'index = web',
        'token.0.token = \\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2}', 'token.0.replacementType = timestamp',
        'token.0.replacement = %d/%b/%Y:%H:%M:%S', 'token.1.token = @@client_ip', 'token.1.replacementType = file',
        'token.1.replacement = $SPLUNK_HOME/etc/apps/my_eventgen_bundle/samples/ip_address.sample', '',
      ].join('\n'),
    },
    'SA-Eventgen-node': { 'metadata/default.meta': EXPORT_SYSTEM_META, 'default/app.conf': '[install]\nstate = enabled\n' },
  });
}

describe('conf reader', () => {
  test('comments, continuation, [default] for leading settings, last value wins, regex stanza names', () => {
    const conf = readConfText('top = 1\n# comment\n[a]\nk = v = w\nk2 = x\\\ny\n[web_.*\\.log]\nz=1\n[a]\nk = last\n  # indented comment\n');
    expect(conf.get('default')?.get('top')).toBe('1');
    expect(conf.get('a')?.get('k')).toBe('last');
    expect(conf.get('a')?.get('k2')).toBe('x\ny');
    expect(conf.get('web_.*\\.log')?.get('z')).toBe('1');
  });
});

describe('REST stand-in', () => {
  let h: SplunkdRestHandle;
  let appsDir: string;
  beforeAll(async () => {
    appsDir = twoAppsLayout(mkdtempSync(join(tmpdir(), 'standin-apps-')));
    layoutApps(appsDir, {
      private_app: { 'default/eventgen.conf': '[private.sample]\ncount = 1\n' },
      disabled_app: {
        'metadata/default.meta': EXPORT_SYSTEM_META,
        'default/app.conf': '[install]\nstate = enabled\n',
        'local/app.conf': '[install]\nstate = disabled\n',
        'default/eventgen.conf': '[disabled.sample]\ncount = 1\n',
      },
      with_default: {
        'metadata/local.meta': '[eventgen]\nexport = system\n',
        'default/eventgen.conf': '[default]\nindex = fromdefault\n[zz.one]\ncount = 1\n[zz.two]\nindex = own\n',
      },
    });
    h = await startSplunkdRest({ appsDir, sessionKey: KEY });
  });
  afterAll(() => h.close());

  test('serves the exact shape of configs-conf-eventgen.two-apps.json', async () => {
    const onlyFixtureApps = twoAppsLayout(mkdtempSync(join(tmpdir(), 'standin-two-')));
    const h2 = await startSplunkdRest({ appsDir: onlyFixtureApps, sessionKey: KEY });
    try {
      const res = await get(h2, '/servicesNS/nobody/SA-Eventgen-node/configs/conf-eventgen?output_mode=json&count=0');
      expect(res.status).toBe(200);
      const expected = JSON.parse(fixture('constructed/rest/configs-conf-eventgen.two-apps.json').toString('utf8').split('https://127.0.0.1:8089').join(h2.uri));
      expect(res.body.updated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
      expect({ ...res.body, updated: expected.updated }).toEqual(expected);
    } finally {
      await h2.close();
    }
  });

  test('a missing conf file is 200 with no entries (configs-conf-missing-file.empty.json)', async () => {
    const res = await get(h, '/servicesNS/nobody/SA-Eventgen-node/configs/conf-doesnotexist?output_mode=json&count=0');
    const expected = JSON.parse(fixture('constructed/rest/configs-conf-missing-file.empty.json').toString('utf8').split('https://127.0.0.1:8089').join(h.uri));
    expect(res.status).toBe(200);
    expect({ ...res.body, updated: expected.updated }).toEqual(expected);
  });

  test('401 without or with a wrong session key, body as in the fixture', async () => {
    const expected = JSON.parse(fixture('constructed/rest/error-401-not-authenticated.json').toString('utf8'));
    for (const key of [null, 'wrong']) {
      const res = await get(h, '/services/server/info?output_mode=json', key);
      expect(res).toEqual({ status: 401, body: expected });
    }
  });

  test('a missing stanza is 404 as in the fixture; an existing one is served alone', async () => {
    const missing = await get(h, '/servicesNS/nobody/-/configs/conf-eventgen/sample.nope?output_mode=json');
    expect(missing).toEqual({ status: 404, body: JSON.parse(fixture('constructed/rest/error-404-stanza-not-found.json').toString('utf8')) });
    const one = await get(h, `/servicesNS/nobody/-/configs/conf-eventgen/${encodeURIComponent('web_.*\\.log')}?output_mode=json`);
    expect(one.body.entry.map((e: FeedEntry) => e.name)).toEqual(['web_.*\\.log']);
  });

  test('wildcard app: one entry per defining exported, enabled app; [default] merged, not listed', async () => {
    const res = await get(h, '/servicesNS/nobody/-/configs/conf-eventgen/?output_mode=json&count=0');
    const names = res.body.entry.map((e: FeedEntry) => `${e.acl.app}:${e.name}`);
    expect(names).toEqual([
      'SA-Eventgen:global', 'my_eventgen_bundle:sample.tutorial1', 'my_eventgen_bundle:web_.*\\.log',
      'with_default:zz.one', 'with_default:zz.two',
    ]);
    const byName = Object.fromEntries(res.body.entry.map((e: FeedEntry) => [e.name, e.content]));
    expect(byName['zz.one'].index).toBe('fromdefault');
    expect(byName['zz.two'].index).toBe('own');
    expect(byName['web_.*\\.log'].count).toBe('20'); // local over default
    expect(byName['web_.*\\.log'].interval).toBe('10'); // default kept where local is silent
  });

  test('an app context sees its own stanzas plus exported ones; other contexts do not see private ones', async () => {
    const own = await get(h, '/servicesNS/nobody/private_app/configs/conf-eventgen?output_mode=json&count=0');
    expect(own.body.entry.map((e: FeedEntry) => e.name)).toContain('private.sample');
    expect(own.body.entry.find((e: FeedEntry) => e.name === 'private.sample')?.acl.sharing).toBe('app');
    const other = await get(h, '/servicesNS/nobody/SA-Eventgen-node/configs/conf-eventgen?output_mode=json&count=0');
    expect(other.body.entry.map((e: FeedEntry) => e.name)).not.toContain('private.sample');
    const svc = await get(h, '/services/configs/conf-eventgen?output_mode=json&count=0');
    expect(svc.body.entry.map((e: FeedEntry) => e.name)).toEqual(['global', 'sample.tutorial1', 'web_.*\\.log', 'zz.one', 'zz.two']);
    const gone = await get(h, '/servicesNS/nobody/disabled_app/configs/conf-eventgen?output_mode=json');
    expect(gone.status).toBe(404);
  });

  test('count/offset paging, default page size 30', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standin-many-'));
    const stanzas = Array.from({ length: 45 }, (_, i) => `[s${String(i).padStart(2, '0')}]\ncount = ${i}\n`).join('');
    layoutApps(dir, { many: { 'metadata/default.meta': EXPORT_SYSTEM_META, 'default/eventgen.conf': stanzas } });
    const h2 = await startSplunkdRest({ appsDir: dir, sessionKey: KEY });
    try {
      const first = await get(h2, '/servicesNS/nobody/-/configs/conf-eventgen?output_mode=json');
      expect(first.body.entry).toHaveLength(30);
      expect(first.body.paging).toEqual({ total: 45, perPage: 30, offset: 0 });
      const second = await get(h2, '/servicesNS/nobody/-/configs/conf-eventgen?output_mode=json&count=30&offset=30');
      expect(second.body.entry.map((e: FeedEntry) => e.name)).toEqual(Array.from({ length: 15 }, (_, i) => `s${i + 30}`));
      const all = await get(h2, '/servicesNS/nobody/-/configs/conf-eventgen?output_mode=json&count=-1');
      expect(all.body.entry).toHaveLength(45);
    } finally {
      await h2.close();
    }
  });

  test('apps/local lists every app with disabled/visible; server/info; properties', async () => {
    const apps = await get(h, '/services/apps/local?output_mode=json&count=0');
    const byName = Object.fromEntries(apps.body.entry.map((e: FeedEntry) => [e.name, e.content]));
    expect(byName.disabled_app.disabled).toBe(true);
    expect(byName['SA-Eventgen']).toMatchObject({ disabled: false, visible: true, version: '7.2.1', label: 'SA-Eventgen' });
    const info = await get(h, '/services/server/info?output_mode=json');
    expect(info.body.entry[0].content).toMatchObject({ serverName: 'splunkd-standin', version: '10.0.0' });
    expect((await get(h, '/services/properties/eventgen?output_mode=json')).status).toBe(200);
    expect((await get(h, '/services/properties/doesnotexist?output_mode=json')).status).toBe(404);
  });

  test('unknown endpoints are 404; output_mode other than json is refused', async () => {
    expect((await get(h, '/services/no/such/thing?output_mode=json')).status).toBe(404);
    expect((await get(h, '/nothing')).status).toBe(404);
    expect((await get(h, '/services/server/info')).status).toBe(400);
  });

  test('fault injection: status, then normal service; reset; requests are recorded', async () => {
    h.failNext({ status: 503 }, { reset: true });
    const before = h.requests.length;
    expect((await get(h, '/services/server/info?output_mode=json')).status).toBe(503);
    await expect(get(h, '/services/server/info?output_mode=json')).rejects.toThrow();
    expect((await get(h, '/services/server/info?output_mode=json')).status).toBe(200);
    expect(h.requests.length - before).toBe(3);
    expect(h.requests[h.requests.length - 1].authorization).toBe(`Splunk ${KEY}`);
  });

  test('fault injection: hang never answers, and close() still ends', async () => {
    const h2 = await startSplunkdRest({ appsDir, sessionKey: KEY, failNext: [{ hang: true }] });
    const outcome = await Promise.race([
      get(h2, '/services/server/info?output_mode=json').then(() => 'answered', () => 'failed'),
      new Promise((r) => setTimeout(() => r('hung'), 300)),
    ]);
    expect(outcome).toBe('hung');
    await h2.close();
  });

  test('TLS with a self-signed CN=SplunkServerDefaultCert certificate (when openssl exists)', async () => {
    const h2 = await startSplunkdRest({ appsDir, sessionKey: KEY, tls: true });
    try {
      if (!h2.tls) return; // no openssl: documented fallback to plain HTTP
      expect(h2.uri).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(new X509Certificate(h2.caPem!).subject).toContain('CN=SplunkServerDefaultCert');
      expect((await get(h2, '/services/server/info?output_mode=json')).status).toBe(200);
    } finally {
      await h2.close();
    }
  });
});

describe('stdout, stderr and the scheme, checked with the SDK fixtures', () => {
  test('the SDK stream fixtures parse into events', () => {
    const five = parseEventStream(fixture('sdk-javascript-1.11.0/modularinputs-data/stream_with_five_events.xml'));
    expect(five.sawStreamEnd).toBe(true);
    expect(five.events.map((e) => e.data)).toEqual([1, 2, 3, 4, 5].map((i) => `This is a test of the emergency broadcast system. ${i}`));
    expect(five.events[0]).toEqual({
      stanza: 'fubar', unbroken: true, done: true, time: '1372275124.466', source: 'hilda', sourcetype: 'misc', index: 'main',
      host: 'localhost', data: 'This is a test of the emergency broadcast system. 1',
    });
    const json = parseEventStream(fixture('sdk-javascript-1.11.0/modularinputs-data/stream_with_two_json_events.xml'));
    expect(json.events.map((e) => e.data)).toEqual(['{"some":"json"}', '{"some":"json object"}']);
    expect(parseEventStream(fixture('sdk-python/modularinput-data/stream_with_two_events.xml')).events).toHaveLength(2);
  });

  test.each([
    ['no <stream>', '<event><data>x</data></event>', /expected <stream>/],
    ['bare &', '<stream><event><data>a & b</data></event></stream>', /bare "&"/],
    ['no data', '<stream><event><time>1</time></event></stream>', /has no <data>/],
    ['unknown child', '<stream><event><data>x</data><color>red</color></event></stream>', /unknown element <color>/],
    ['bad time', '<stream><event><time>1.23456</time><data>x</data></event></stream>', /at most 3 decimals/],
    ['after end', '<stream></stream><stream>', /after <\/stream>/],
    ['mismatch', '<stream><event><data>x</host></event></stream>', /must hold only text/],
    ['control char', '<stream><event><data>a\u0001b</data></event></stream>', /not allowed in XML 1.0/],
    ['truncated', '<stream><event><data>x</data>', /ended inside <event>/],
  ])('stdout protocol error: %s', (_what, xml, re) => {
    expect(() => parseEventStream(xml)).toThrow(re);
  });

  test('stdout must be UTF-8; single-instance mode needs stanza=', () => {
    expect(() => parseEventStream(Buffer.from([0x3c, 0x73, 0x74, 0x72, 0x65, 0x61, 0x6d, 0x3e, 0xff, 0xfe]))).toThrow(/UTF-8/);
    expect(() => parseEventStream('<stream><event><data>x</data></event></stream>', { requireStanza: true })).toThrow(/stanza attribute/);
  });

  test('stderr lines: a leading level token is the level, otherwise ERROR (real log lines)', () => {
    const debug = parseStderrLine('DEBUG Modular input azure_diagnostic_logs://arprod-diagnosticlogs createPartitionReceiver', '/opt/splunk/etc/apps/TA-Azure_Monitor/bin/azure_diagnostic_logs.sh', 1687);
    expect(debug.level).toBe('DEBUG');
    expect(debug.text).toBe('Modular input azure_diagnostic_logs://arprod-diagnosticlogs createPartitionReceiver');
    expect(debug.splunkdLine).toMatch(/^\d\d-\d\d-\d{4} \d\d:\d\d:\d\d\.\d{3} \+0000 DEBUG ExecProcessor \[1687 ExecProcessor\] - message from "\/opt\/splunk\/etc\/apps\/TA-Azure_Monitor\/bin\/azure_diagnostic_logs.sh" Modular input/);
    expect(parseStderrLine('panic: modinput disabled does not exist')).toMatchObject({ level: 'ERROR', text: 'panic: modinput disabled does not exist' });
    expect(parseStderrLine('WARNING not a token').level).toBe('ERROR');
    expect(parseStderrLine('INFO').level).toBe('ERROR');
    expect(parseStderrLine('FATAL out of memory')).toMatchObject({ level: 'FATAL', text: 'out of memory' });
  });

  test('checkSchemeXml accepts every SDK scheme fixture and reports broken ones', () => {
    for (const f of ['sdk-javascript-1.11.0/modularinputs-data/scheme_with_defaults.xml', 'sdk-javascript-1.11.0/modularinputs-data/scheme_without_defaults.xml', 'sdk-python/modularinput-data/scheme_without_defaults_and_argument_title.xml']) {
      expect(checkSchemeXml(fixture(f).toString('utf8')).problems).toEqual([]);
    }
    const parsed = checkSchemeXml(fixture('sdk-javascript-1.11.0/modularinputs-data/scheme_without_defaults.xml').toString('utf8')).scheme!;
    expect(parsed).toMatchObject({ title: 'abcd', useSingleInstance: true, streamingMode: 'simple' });
    expect(parsed.args[1]).toMatchObject({ name: 'arg2', dataType: 'number', requiredOnCreate: true, description: '쎼 and 쎶 and <&> für' });
    expect(checkSchemeXml('<scheme><title>x</title><use_external_validation>True</use_external_validation></scheme>').problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/lower-case/), expect.stringMatching(/use_single_instance> is missing/), expect.stringMatching(/streaming_mode/), expect.stringMatching(/<endpoint><args>/)]),
    );
    expect(checkSchemeXml('<scheme><title>x</title>').problems[0]).toMatch(/not well-formed/);
  });
});

describe('running a script as splunkd does', () => {
  let dir: string;
  const script = (name: string, js: string): string => {
    // A .sh wrapper exec'ing this very node, like bin/eventgen.sh will.
    writeFileSync(join(dir, `${name}.js`), js);
    const sh = join(dir, name);
    writeFileSync(sh, `#!/bin/sh\nexec "${process.execPath}" "$(dirname "$0")/${name}.js" "$@"\n`);
    chmodSync(sh, 0o755);
    return sh;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'standin-run-'));
  });

  const streamer = `
    let input = '';
    process.stdin.on('data', (c) => (input += c));
    process.stdin.on('end', () => {
      process.stderr.write('INFO got ' + Buffer.byteLength(input) + ' bytes, cwd=' + process.cwd() + '\\n');
      process.stderr.write('an unprefixed line\\nWARN partial');
      process.stderr.write(' line\\n');
      const env = ['SPLUNK_HOME', 'LD_LIBRARY_PATH'].map((k) => k + '=' + process.env[k]).join(' ');
      process.stdout.write('<stream>\\n<event stanza="eventgen://x"><time>1700000000.123</time><data>' + env + '</data></event>');
      process.stdout.write('<event><data>line1\\nline2 &amp; &lt;b&gt;</data><index>main</index></event>');
    });
    process.on('SIGTERM', () => { process.stdout.write('</stream>\\n'); process.exit(0); });
    setInterval(() => {}, 1000);
  `;

  test('streams: stdin closed after the XML, splunkd env, events, leveled stderr, SIGTERM', async () => {
    const input = fixture('constructed/constructed-eventgen.input-definition.xml');
    const run = runModularInput({ script: script('streamer', streamer), splunkHome: '/opt/splunk', inputXml: input });
    await run.waitForEvents(2);
    const result = await run.stop();
    expect(result).toMatchObject({ code: 0, sawStreamStart: true, sawStreamEnd: true, killed: false });
    expect(result.protocolError).toBeUndefined();
    expect(run.events[0]).toMatchObject({ stanza: 'eventgen://x', time: '1700000000.123', data: 'SPLUNK_HOME=/opt/splunk LD_LIBRARY_PATH=/opt/splunk/lib', unbroken: false, done: false });
    expect(run.events[1]).toMatchObject({ data: 'line1\nline2 & <b>', index: 'main' });
    expect(run.logs.map((l) => [l.level, l.text])).toEqual([
      ['INFO', `got ${input.length} bytes, cwd=/`],
      ['ERROR', 'an unprefixed line'],
      ['WARN', 'partial line'],
    ]);
  });

  test('stdin written in small chunks arrives whole', async () => {
    const input = fixture('captured-splunkd/signalfx-Splunk_TA_otel.inputs.xml');
    const run = runModularInput({ script: script('streamer2', streamer), splunkHome: '/opt/splunk', inputXml: input, stdinChunkBytes: 97 });
    await run.waitForEvents(1);
    await run.stop();
    expect(run.logs[0].text).toBe(`got ${input.length} bytes, cwd=/`);
  });

  test('malformed stdout is reported; a script ignoring SIGTERM is killed after the grace period', async () => {
    const bad = script('bad', `process.stdout.write('<stream><event><data>a & b</data></event>'); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`);
    const run = runModularInput({ script: bad, splunkHome: '/opt/splunk' });
    await new Promise((r) => setTimeout(r, 300));
    const result = await run.stop(300);
    expect(result.killed).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(result.protocolError).toMatch(/bare "&"/);
    expect(run.events).toHaveLength(0);
  });

  test('scheme(): a good scheme passes, a failing script gives the introspection lines', async () => {
    const good = fixture('sdk-javascript-1.11.0/modularinputs-data/scheme_with_defaults.xml').toString('utf8');
    const ok = await scheme(script('good_scheme', `process.stdout.write(${JSON.stringify(good)});`), { splunkHome: '/opt/splunk' });
    expect(ok.problems).toEqual([]);
    expect(ok.scheme?.title).toBe('abcd');
    const broken = await scheme(script('broken_scheme', `console.error('SyntaxError: invalid syntax'); process.exit(1);`), { splunkHome: '/opt/splunk', schemeName: 'rest' });
    expect(broken.problems).toEqual(['script running failed (exited with code 1)']);
    expect(broken.splunkdLines).toEqual([
      'ERROR ModularInputs - <stderr> Introspecting scheme=rest: SyntaxError: invalid syntax',
      'ERROR ModularInputs - Introspecting scheme=rest: script running failed (exited with code 1).',
    ]);
  });

  test('validate(): the <error><message> text comes back; exit 0 means valid', async () => {
    const errXml = fixture('sdk-javascript-1.11.0/modularinputs-data/validation_error.xml').toString('utf8');
    const items = fixture('constructed/constructed-eventgen.validation-items.xml');
    const echoBytes = script('echo_items', `let n=0; process.stdin.on('data',c=>n+=c.length); process.stdin.on('end',()=>{ process.stderr.write('INFO items ' + n + '\\n'); process.stdout.write(${JSON.stringify(errXml)}); process.exit(1); });`);
    const bad = await validate(echoBytes, items, { splunkHome: '/opt/splunk' });
    expect(bad).toMatchObject({ ok: false, code: 1, message: 'Big fat validation error!' });
    expect(bad.logs[0].text).toBe(`items ${items.length}`);
    const good = await validate(script('ok_items', `process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`), items, { splunkHome: '/opt/splunk' });
    expect(good).toMatchObject({ ok: true, code: 0 });
    expect(good.message).toBeUndefined();
  });
});
