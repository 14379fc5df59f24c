/**
 * The HEC stand-in checked against the documented protocol and the constructed fixtures, so the
 * output tests that rely on it rely on something faithful.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULT_TOKEN, HEC_RESPONSES, HecStandIn, makeTestCert, splitConcatenatedJson } from '../../../stand-ins/hec';

/** shared/ sits beside the repository (in a session and in CI); EVENTGEN_SHARED_DIR overrides. */
function sharedFixture(rel: string): string {
  const roots = [process.env.EVENTGEN_SHARED_DIR, resolve(__dirname, '../../../../../shared')].filter((r): r is string => !!r);
  for (const r of roots) {
    const p = join(r, 'fixtures/splunk/constructed/hec', rel);
    if (existsSync(p)) return p;
  }
  throw new Error(`fixture ${rel} not found under ${roots.join(' or ')}; set EVENTGEN_SHARED_DIR to the shared/ folder`);
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

function request(hec: HecStandIn, method: string, path: string, body: string | Buffer = '', headers: Record<string, string> = { Authorization: `Splunk ${DEFAULT_TOKEN}` }, ca?: string): Promise<Reply> {
  return new Promise((res, rej) => {
    const mod = hec.protocol === 'https' ? https : http;
    const req = mod.request({ host: '127.0.0.1', port: hec.port, method, path, headers, ca, agent: false }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

const CHANNEL = 'FE0ECFAD-13D5-401B-847D-77833BD77131';
let hec: HecStandIn;
afterEach(() => hec?.stop());

test('the response table is the fixture responses.json', () => {
  const fixture = JSON.parse(readFileSync(sharedFixture('responses.json'), 'utf8')) as Record<string, { http: number; body: Record<string, unknown> }>;
  for (const [name, r] of Object.entries(HEC_RESPONSES)) {
    const { 'invalid-event-number': _n, ackId: _a, ...body } = fixture[name].body;
    expect([name, r.http, r.body]).toEqual([name, fixture[name].http, body]);
  }
});

test('the fixture batch body (concatenated JSON, object event, indexed fields) is accepted', async () => {
  hec = await HecStandIn.start();
  const body = readFileSync(sharedFixture('collector-event.batch.body.json'), 'utf8');
  expect(await request(hec, 'POST', '/services/collector/event', body)).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
  expect(hec.indexed).toHaveLength(2);
  expect(hec.indexed[0]).toMatchObject({ time: 1732737600.123, host: 'web-01', sourcetype: 'access_combined', index: 'main' });
  expect(hec.indexed[1]).toMatchObject({ event: { user: 'bob', action: 'login' }, fields: { region: 'eu', tags: ['a', 'b'] } });
});

test('the fixture raw body needs a channel, then gives one event per line with query metadata', async () => {
  hec = await HecStandIn.start();
  const body = readFileSync(sharedFixture('collector-raw.body.txt'));
  expect(await request(hec, 'POST', '/services/collector/raw?sourcetype=access_combined', body)).toEqual({ status: 400, body: { text: 'Data channel is missing', code: 10 } });
  expect((await request(hec, 'POST', `/services/collector/raw?sourcetype=access_combined&channel=${CHANNEL}`, body)).status).toBe(200);
  expect(hec.indexed.map((e) => [e.sourcetype, e.endpoint])).toEqual([
    ['access_combined', 'raw'],
    ['access_combined', 'raw'],
  ]);
});

test('authentication: header forms, query-string tokens, disabled tokens', async () => {
  hec = await HecStandIn.start({ tokens: [DEFAULT_TOKEN, { token: 'qs', allowQueryStringAuth: true }, { token: 'off', disabled: true }] });
  const ev = '{"event":"x"}';
  const p = '/services/collector';
  expect(await request(hec, 'POST', p, ev, {})).toEqual({ status: 401, body: { text: 'Token is required', code: 2 } });
  expect(await request(hec, 'POST', p, ev, { Authorization: 'Bearer abc' })).toEqual({ status: 401, body: { text: 'Invalid authorization', code: 3 } });
  expect(await request(hec, 'POST', p, ev, { Authorization: 'Splunk nope' })).toEqual({ status: 403, body: { text: 'Invalid token', code: 4 } });
  expect(await request(hec, 'POST', p, ev, { Authorization: 'Splunk off' })).toEqual({ status: 403, body: { text: 'Token disabled', code: 1 } });
  expect((await request(hec, 'POST', p, ev, { Authorization: `Basic ${Buffer.from(`x:${DEFAULT_TOKEN}`).toString('base64')}` })).status).toBe(200);
  expect(await request(hec, 'POST', `${p}?token=${DEFAULT_TOKEN}`, ev, {})).toEqual({ status: 400, body: { text: 'Query string authorization is not enabled', code: 16 } });
  expect((await request(hec, 'POST', `${p}?token=qs`, ev, {})).status).toBe(200);
});

test.each<[string, number, Record<string, unknown>]>([
  ['', 400, { text: 'No data', code: 5 }],
  ['{"event":"a"}{"event":"b"', 400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 }],
  ['{"event":"a"} x', 400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 }],
  ['{"event":"a"}{"host":"h"}', 400, { text: 'Event field is required', code: 12, 'invalid-event-number': 1 }],
  ['{"event":"  "}', 400, { text: 'Event field cannot be blank', code: 13, 'invalid-event-number': 0 }],
  ['{"event":"a","fields":{"x":{"y":1}}}', 400, { text: 'Error in handling indexed fields', code: 15, 'invalid-event-number': 0 }],
  ['{"event":"a\\"}{"}\n{"event":"b"}', 200, { text: 'Success', code: 0 }],
])('event body %j → %i %j', async (body, status, reply) => {
  hec = await HecStandIn.start();
  expect(await request(hec, 'POST', '/services/collector/event', body)).toEqual({ status, body: reply });
  if (status !== 200) expect(hec.indexed).toHaveLength(0);
});

test('concatenated JSON splitting keeps braces inside strings', () => {
  expect(splitConcatenatedJson('{"a":"}{"} {"b":[{}]}')).toEqual({ objects: ['{"a":"}{"}', '{"b":[{}]}'] });
  expect(splitConcatenatedJson('{"a":1}[1]')).toEqual({ at: 1 });
});

test('gzip bodies, incorrect index, health', async () => {
  hec = await HecStandIn.start({ tokens: [{ token: DEFAULT_TOKEN, indexes: ['main'] }] });
  const gz = gzipSync('{"event":"z","index":"main"}');
  expect((await request(hec, 'POST', '/services/collector', gz, { Authorization: `Splunk ${DEFAULT_TOKEN}`, 'Content-Encoding': 'gzip' })).status).toBe(200);
  expect(await request(hec, 'POST', '/services/collector', '{"event":"z","index":"x"}')).toEqual({ status: 400, body: { text: 'Incorrect index', code: 7, 'invalid-event-number': 0 } });
  expect(await request(hec, 'GET', '/services/collector/health', '', {})).toEqual({ status: 200, body: { text: 'HEC is healthy', code: 17 } });
  hec.healthy = false;
  expect((await request(hec, 'GET', '/services/collector/health/1.0', '', {})).body.code).toBe(18);
});

test('acks: ids per channel, true once indexed (after the delay), then forgotten', async () => {
  hec = await HecStandIn.start({ tokens: [{ token: DEFAULT_TOKEN, useAck: true }], ackDelayMs: 100 });
  const h = { Authorization: `Splunk ${DEFAULT_TOKEN}`, 'X-Splunk-Request-Channel': CHANNEL };
  expect(await request(hec, 'POST', '/services/collector', '{"event":"a"}')).toEqual({ status: 400, body: { text: 'Data channel is missing', code: 10 } });
  expect(await request(hec, 'POST', '/services/collector', '{"event":"a"}', { ...h, 'X-Splunk-Request-Channel': 'not-a-guid' })).toEqual({ status: 400, body: { text: 'Invalid data channel', code: 11 } });
  expect((await request(hec, 'POST', '/services/collector', '{"event":"a"}', h)).body).toEqual({ text: 'Success', code: 0, ackId: 0 });
  expect((await request(hec, 'POST', '/services/collector', '{"event":"b"}', h)).body).toEqual({ text: 'Success', code: 0, ackId: 1 });
  const ackPath = `/services/collector/ack?channel=${CHANNEL}`;
  expect((await request(hec, 'POST', ackPath, '{"acks":[0,1,7]}', h)).body).toEqual({ acks: { 0: false, 1: false, 7: false } });
  expect(hec.indexed).toHaveLength(0);
  await new Promise((r) => setTimeout(r, 120));
  expect((await request(hec, 'POST', ackPath, '{"acks":[0,1]}', h)).body).toEqual({ acks: { 0: true, 1: true } });
  expect(hec.indexed.map((e) => e.event)).toEqual(['a', 'b']);
  expect((await request(hec, 'POST', ackPath, '{"acks":[0]}', h)).body).toEqual({ acks: { 0: false } });
});

test('ACK is disabled for a token without useAck', async () => {
  hec = await HecStandIn.start();
  expect(await request(hec, 'POST', `/services/collector/ack?channel=${CHANNEL}`, '{"acks":[0]}')).toEqual({ status: 400, body: { text: 'ACK is disabled', code: 14 } });
});

test('HTTPS with a certificate made by openssl', async () => {
  const cert = makeTestCert(['IP:127.0.0.1']);
  hec = await HecStandIn.start({ tls: cert });
  expect(hec.protocol).toBe('https');
  expect((await request(hec, 'POST', '/services/collector', '{"event":"tls"}', { Authorization: `Splunk ${DEFAULT_TOKEN}` }, cert.cert)).status).toBe(200);
});
