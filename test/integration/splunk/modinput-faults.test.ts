/**
 * Bad input for the modular input, run as splunkd runs it: REST failures (401, 404, 500, a hang),
 * malformed or re-encoded input XML, a stanza whose sample is missing. Each gives a clear leveled
 * line on stderr; the other samples keep flowing; retryable REST failures are retried.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { runModularInput, type Fault } from '../../stand-ins/splunkd';
import { FAST_ENV, KEY, SCRIPT, byIndex, inputXml, logText, makeSplunkHome, start, stopTimed, waitFor, type SplunkHome } from './support';

let h: SplunkHome;
beforeAll(async () => {
  h = await makeSplunkHome(['app_web', 'app_auth']);
});
afterAll(async () => {
  await h?.close();
});

/** Runs the default stanza with `faults` queued on the stand-in; returns stderr once events flow. */
async function runWith(faults: Fault[], params: Record<string, string> = {}): Promise<{ stderr: string; indexes: string[] }> {
  h.rest.failNext(...faults);
  const run = start(h, inputXml(h, h.checkpointDir('faults'), { params: { apps: 'app_web', ...params } }));
  await waitFor(run, (ev) => byIndex(ev, 'web').length >= 4, 'web events');
  const { result, ms } = await stopTimed(run);
  expect(result).toMatchObject({ code: 0, sawStreamEnd: true, killed: false });
  expect(result.protocolError).toBeUndefined();
  expect(ms).toBeLessThan(5000);
  const stderr = logText(run.logs);
  expect(stderr).not.toContain(KEY);
  return { stderr, indexes: [...new Set(run.events.map((e) => e.index ?? ''))] };
}

describe('REST failures', () => {
  test('500 once: a WARN retry line, then the configuration is read and events flow', async () => {
    const r = await runWith([{ status: 500 }]);
    expect(r.stderr).toMatch(/^WARN splunkd request failed; retrying .*"request":"GET \/servicesNS\/nobody\/-\/configs\/conf-eventgen".*HTTP 500/m);
    expect(r.stderr).not.toMatch(/Could not read eventgen\.conf/);
    expect(r.indexes).toEqual(['web']);
  });

  test('a request that hangs: timed out, retried, and events flow', async () => {
    const r = await runWith([{ hang: true }]);
    expect(r.stderr).toMatch(/^WARN splunkd request failed; retrying .*no complete answer within 800 ms/m);
    expect(r.indexes).toEqual(['web']);
  });

  test('401: not retried; an ERROR line, then the apps are read from disk and events flow', async () => {
    const r = await runWith([{ status: 401 }]);
    expect(r.stderr).toMatch(/^ERROR Could not read eventgen\.conf from splunkd: .*rejected the session key \(HTTP 401\): call not properly authenticated.* Reading the apps' eventgen\.conf files under .* instead/m);
    expect(r.stderr).toMatch(/^WARN The other eventgen inputs are unknown without splunkd/m);
    expect(r.stderr).not.toMatch(/retrying/);
    expect(r.indexes).toEqual(['web']);
  });

  test('404: an ERROR line naming the request, the disk fallback, and events flow', async () => {
    const r = await runWith([{ status: 404 }]);
    expect(r.stderr).toMatch(/^ERROR Could not read eventgen\.conf from splunkd: GET \/servicesNS\/nobody\/-\/configs\/conf-eventgen: no such endpoint on splunkd \(HTTP 404\)/m);
    expect(r.indexes).toEqual(['web']);
  });

  test('500 on every attempt: three WARN retries, one ERROR, the disk fallback, and events flow', async () => {
    const r = await runWith([{ status: 500 }, { status: 500 }, { status: 500 }, { status: 503 }]);
    expect(r.stderr.match(/^WARN splunkd request failed; retrying/gm)).toHaveLength(3);
    expect(r.stderr).toMatch(/^ERROR Could not read eventgen\.conf from splunkd: .*HTTP 503.*4 attempt/m);
    expect(r.indexes).toEqual(['web']);
  });

  test('the apps list or the inputs list failing is a WARN; the configuration still comes from splunkd', async () => {
    // The first request (conf-eventgen) gets splunkd's real answer, the next two fail.
    const body = await getJson(`/servicesNS/nobody/-/configs/conf-eventgen?output_mode=json&count=100&offset=0`);
    h.rest.failNext({ status: 200, body }, { status: 404 }, { status: 403 });
    const run = start(h, inputXml(h, h.checkpointDir('faults'), { params: { apps: 'app_auth' } }));
    await waitFor(run, (ev) => byIndex(ev, 'auth').length >= 2, 'auth events');
    const { result } = await stopTimed(run);
    expect(result).toMatchObject({ code: 0, sawStreamEnd: true });
    const stderr = logText(run.logs);
    expect(stderr).not.toMatch(/Could not read eventgen\.conf/);
    expect(stderr).toMatch(/^WARN Could not list the installed apps \(GET \/services\/apps\/local: no such endpoint on splunkd \(HTTP 404\)/m);
    expect(stderr).toMatch(/^WARN Could not read the other eventgen inputs \(GET .*conf-inputs: the session's user may not read this \(HTTP 403\)/m);
  });
});

/** A GET on the stand-in with the session key, as the input would make it. */
function getJson(path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const lib = h.rest.tls ? https : http;
    lib.get(`${h.rest.uri}${path}`, { headers: { Authorization: `Splunk ${KEY}` }, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve(JSON.parse(text)));
    }).on('error', reject);
  });
}

describe('input definition', () => {
  test('malformed XML: one ERROR line without the session key, exit 1, no stream', async () => {
    const xml = inputXml(h, h.checkpointDir('bad')).toString('utf8').replace('</configuration>', '</configuratio>');
    const run = start(h, xml);
    const result = await run.exited;
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(run.logs).toHaveLength(1);
    expect(run.logs[0].level).toBe('ERROR');
    expect(run.logs[0].text).toMatch(/^The input definition from splunkd cannot be used: .*No events are generated\.$/);
    expect(logText(run.logs)).not.toContain(KEY);
  });

  test('an unknown child element is refused the way the SDKs refuse it', async () => {
    const xml = inputXml(h, h.checkpointDir('bad')).toString('utf8').replace('<param name="disabled">', '<editor>x</editor><param name="disabled">');
    const run = start(h, xml);
    const result = await run.exited;
    expect(result.code).toBe(1);
    expect(logText(run.logs)).toMatch(/^ERROR .*unexpected <editor>/m);
  });

  test('UTF-16 with a BOM, split into small chunks, is read like UTF-8', async () => {
    const run = runModularInput({
      script: SCRIPT, splunkHome: h.home, env: FAST_ENV, stdinChunkBytes: 97,
      inputXml: inputXml(h, h.checkpointDir('utf16'), { params: { apps: 'app_web' } }, 'utf-16le'),
    });
    await waitFor(run, (ev) => byIndex(ev, 'web').length >= 2, 'web events');
    const { result } = await stopTimed(run);
    expect(result).toMatchObject({ code: 0, sawStreamEnd: true });
  });

  test('empty <configuration/>: an empty stream and exit 0', async () => {
    const xml = inputXml(h, h.checkpointDir('empty')).toString('utf8').replace(/<configuration>[\s\S]*<\/configuration>/, '<configuration/>');
    const run = start(h, xml);
    const result = await run.exited;
    expect(result).toMatchObject({ code: 0, sawStreamStart: true, sawStreamEnd: true });
    expect(run.events).toEqual([]);
  });

  test('unknown arguments: an ERROR line and exit 1', async () => {
    const run = runModularInput({ script: SCRIPT, splunkHome: h.home, args: ['--bogus'] });
    const result = await run.exited;
    expect(result.code).toBe(1);
    expect(logText(run.logs)).toMatch(/^ERROR Invalid arguments to modular input script/);
  });
});

describe('configuration problems', () => {
  test('a stanza whose sample is missing: an ERROR naming app, file and stanza; the others flow', async () => {
    const r = await runWith([]);
    expect(r.stderr).toMatch(/^ERROR .*app_web\/default\/eventgen\.conf \[nosuch\\\.log\]: No sample file in .*app_web\/samples matches the stanza name\. This stanza is skipped\./m);
    expect(r.indexes).toEqual(['web']);
  });

  test('a HEC token in a broken setting never reaches a log line', async () => {
    const token = '00000000-1111-2222-3333-HECTOKEN4444';
    mkdirSync(join(h.apps, 'app_web', 'local'), { recursive: true });
    // Broken JSON (no closing brace) in a stanza of its own, on a sample file that exists.
    writeFileSync(join(h.apps, 'app_web', 'local', 'eventgen.conf'),
      `[users\\.txt]\noutputMode = httpevent\nhttpeventServers = {"servers": [{"address": "h", "port": "8088", "key": "${token}"}]\n`);
    try {
      const r = await runWith([]);
      expect(r.stderr).toMatch(/^ERROR .*\[users\\\.txt\] httpeventServers = "\[REDACTED\]": httpeventServers is not valid JSON \(details hidden: this setting holds a secret\)\./m);
      expect(r.stderr).not.toContain(token);
      expect(readFileSync(join(h.home, 'var', 'log', 'splunk', 'eventgen.log'), 'utf8')).not.toContain(token);
    } finally {
      rmSync(join(h.apps, 'app_web', 'local'), { recursive: true, force: true });
    }
  });
});
