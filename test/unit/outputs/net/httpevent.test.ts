/**
 * httpevent and metric_httpevent against the HEC stand-in on 127.0.0.1: batching and splitting,
 * gzip, the raw endpoint, acknowledgement, and how each HEC answer is classified.
 */
import { PermanentError, RetryableError, type Output } from '../../../../lib/plugins/api';
import httpevent from '../../../../lib/plugins/output/net/httpevent';
import metricHttpevent from '../../../../lib/plugins/output/net/metric_httpevent';
import { DEFAULT_TOKEN, HecStandIn } from '../../../stand-ins/hec';
import { batchOf, create, deliver, makeEvents, recordingLog, rejection } from './support';

let hec: HecStandIn;
const outputs: Output[] = [];

afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.close?.()));
  await hec?.stop();
});

function hecOut(settings: Record<string, unknown> = {}, plugin = httpevent, log = recordingLog()): Output {
  const out = create(plugin, { httpeventServers: { servers: [hec.server()] }, ...settings }, log);
  outputs.push(out);
  return out;
}

describe('httpevent: /services/collector/event', () => {
  test('every event arrives once, in order, with its metadata; bodies respect httpeventMaxPayloadSize', async () => {
    hec = await HecStandIn.start();
    const out = hecOut({ httpeventMaxPayloadSize: 2000 });
    const evs = makeEvents(100);
    await out.send(batchOf(evs));
    expect(hec.indexed.map((e) => e.event)).toEqual(evs.map((e) => e.raw));
    expect(hec.indexed[3]).toMatchObject({ time: 1732737603.25, host: 'web-01', source: 'eventgen.log', sourcetype: 'eventgen', index: 'main', endpoint: 'event' });
    const data = hec.requests.filter((r) => r.path === '/services/collector/event');
    expect(data.length).toBeGreaterThan(4);
    expect(data.every((r) => r.bytes <= 2000)).toBe(true);
    expect(data.every((r) => r.headers.authorization === `Splunk ${DEFAULT_TOKEN}` && r.headers['content-type'] === 'application/json')).toBe(true);
  });

  test('an event larger than the payload limit goes alone', async () => {
    hec = await HecStandIn.start();
    const out = hecOut({ httpeventMaxPayloadSize: 400 });
    const evs = [...makeEvents(2, 'small'), { ...makeEvents(1, 'big')[0], raw: `big ${'x'.repeat(1000)}` }, ...makeEvents(2, 'tail')];
    await out.send(batchOf(evs));
    expect(hec.indexed.map((e) => e.event)).toEqual(evs.map((e) => e.raw));
    expect(hec.requests.map((r) => r.events)).toEqual([2, 1, 2]);
  });

  test('httpeventGzip sends Content-Encoding: gzip and a compressed body', async () => {
    hec = await HecStandIn.start();
    const out = hecOut({ httpeventGzip: true, httpeventMaxPayloadSize: 100000 });
    const evs = makeEvents(300);
    await out.send(batchOf(evs));
    expect(hec.indexed).toHaveLength(300);
    const [req] = hec.requests;
    expect(req.headers['content-encoding']).toBe('gzip');
    const plain = evs.map((e) => JSON.stringify(e.raw)).join('').length;
    expect(req.bytes).toBeLessThan(plain / 4);
  });

  test('a bad token is a PermanentError naming the server; a disabled one too', async () => {
    hec = await HecStandIn.start({ tokens: ['good', { token: 'off', disabled: true }] });
    const wrong = create(httpevent, { httpeventServers: { servers: [hec.server('good'), hec.server('nope')] } });
    outputs.push(wrong);
    await wrong.send(batchOf(makeEvents(1))); // server 1
    const e = await rejection(wrong.send(batchOf(makeEvents(1)))); // server 2
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toBe(`httpevent [net_test]: server 2 (http://127.0.0.1:${hec.port}) refused the token of server 2 in httpeventServers: HTTP 403 Invalid token (HEC code 4)`);
    const off = hecOut({ httpeventServers: { servers: [hec.server('off')] } });
    const e2 = await rejection(off.send(batchOf(makeEvents(1))));
    expect(e2).toBeInstanceOf(PermanentError);
    expect(e2.message).toContain('HTTP 403 Token disabled (HEC code 1)');
  });

  test('401 Invalid authorization (a key HEC cannot parse) is permanent too', async () => {
    hec = await HecStandIn.start();
    const out = hecOut({ httpeventServers: { servers: [{ ...hec.server(), key: 'two words' }] } });
    const e = await rejection(out.send(batchOf(makeEvents(1))));
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toContain('refused the token of server 1 in httpeventServers: HTTP 401 Invalid authorization (HEC code 3)');
  });

  test('data HEC refuses (400) is a PermanentError with HEC\'s text and the event number', async () => {
    hec = await HecStandIn.start({ tokens: [{ token: DEFAULT_TOKEN, indexes: ['main'] }] });
    const out = hecOut();
    const evs = [...makeEvents(2), ...makeEvents(1, 'x', { index: 'secret' })];
    const e = await rejection(out.send(batchOf(evs)));
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toContain('refused the data: HTTP 400 Incorrect index (HEC code 7, event 3 of the request)');
    expect(hec.indexed).toHaveLength(0);
  });

  test('503 Server is busy and 500 are retryable; the retried batch arrives once', async () => {
    hec = await HecStandIn.start();
    const out = hecOut();
    hec.failNext(1, 'busy');
    hec.failNext(1, 'error');
    const r = await deliver(out, batchOf(makeEvents(20)));
    expect(r.attempts).toBe(3);
    expect(r.retryable[0]).toContain('answered HTTP 503 Server is busy (HEC code 9)');
    expect(r.retryable[1]).toContain('answered HTTP 500 Internal server error (HEC code 8)');
    expect(hec.indexed).toHaveLength(20);
  });

  test('a retry resends only the payloads that failed', async () => {
    hec = await HecStandIn.start();
    const out = hecOut({ httpeventMaxPayloadSize: 500 });
    const evs = makeEvents(40);
    hec.failNext(1, 'close');
    const r = await deliver(out, batchOf(evs));
    expect(r.attempts).toBe(2);
    expect(r.retryable[0]).toMatch(/1 of \d+ payloads not delivered/);
    expect(hec.indexed.map((e) => e.event).sort()).toEqual(evs.map((e) => e.raw).sort());
  });

  test('a request that gets no answer times out as a RetryableError', async () => {
    hec = await HecStandIn.start();
    const out = hecOut({ httpeventTimeout: 0.3 });
    hec.failNext(1, 'hang');
    const t0 = Date.now();
    const e = await rejection(out.send(batchOf(makeEvents(3))));
    expect(e).toBeInstanceOf(RetryableError);
    expect(e.message).toContain('no response within 0.3s');
    expect(Date.now() - t0).toBeLessThan(2000);
    await deliver(out, batchOf(makeEvents(3)));
    expect(hec.indexed).toHaveLength(3);
  });

  test('a connection refused is a RetryableError naming the server', async () => {
    hec = await HecStandIn.start();
    const port = hec.port;
    await hec.stop();
    const out = create(httpevent, { httpeventServers: { servers: [{ protocol: 'http', address: '127.0.0.1', port, key: 'k' }] } });
    outputs.push(out);
    const e = await rejection(out.send(batchOf(makeEvents(1))));
    expect(e).toBeInstanceOf(RetryableError);
    expect(e.message).toContain(`httpevent [net_test]: server 1 (http://127.0.0.1:${port}): connect ECONNREFUSED`);
  });

  test('httpeventWaitResponse = false returns at once; flush() waits for the requests', async () => {
    hec = await HecStandIn.start();
    const out = hecOut({ httpeventWaitResponse: false });
    await out.send(batchOf(makeEvents(10)));
    await out.send(batchOf(makeEvents(10, 'b')));
    await out.flush?.();
    expect(hec.indexed).toHaveLength(20);
  });
});

describe('httpevent: /services/collector/raw', () => {
  test('events go as lines, grouped by metadata, with a channel; gzip works there too', async () => {
    hec = await HecStandIn.start();
    const out = hecOut({ httpeventEndpoint: 'raw', httpeventGzip: true });
    const evs = [...makeEvents(3, 'a'), ...makeEvents(2, 'b', { host: 'web-02', sourcetype: 'access_combined' })];
    await out.send(batchOf(evs));
    expect(hec.indexed.map((e) => [e.event, e.host, e.sourcetype, e.endpoint])).toEqual(evs.map((e) => [e.raw, e.host, e.sourcetype, 'raw']));
    expect(hec.requests.map((r) => r.query.host)).toEqual(['web-01', 'web-02']);
    expect(hec.requests.every((r) => /^[0-9a-f-]{36}$/.test(String(r.headers['x-splunk-request-channel'])))).toBe(true);
  });
});

describe('httpevent: indexer acknowledgement', () => {
  test('send resolves only once HEC acknowledges, with one channel per server', async () => {
    hec = await HecStandIn.start({ tokens: [{ token: DEFAULT_TOKEN, useAck: true }], ackDelayMs: 150 });
    const out = hecOut({ httpeventUseAck: true, httpeventAckPollInterval: 0.05, httpeventMaxPayloadSize: 1000 });
    const evs = makeEvents(30);
    const t0 = Date.now();
    await out.send(batchOf(evs));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(hec.indexed).toHaveLength(30);
    expect(hec.held).toBe(0);
    const channels = new Set(hec.requests.map((r) => r.headers['x-splunk-request-channel']));
    expect(channels.size).toBe(1);
    const ackReqs = hec.requests.filter((r) => r.path === '/services/collector/ack');
    expect(ackReqs.length).toBeGreaterThan(0);
  });

  test('a withheld acknowledgement times out as a RetryableError; the batch is then sent again', async () => {
    hec = await HecStandIn.start({ tokens: [{ token: DEFAULT_TOKEN, useAck: true }] });
    const out = hecOut({ httpeventUseAck: true, httpeventAckPollInterval: 0.05, httpeventAckTimeout: 0.3 });
    hec.withholdAcks = true;
    const e = await rejection(out.send(batchOf(makeEvents(5))));
    expect(e).toBeInstanceOf(RetryableError);
    expect(e.message).toMatch(/no acknowledgement for ackId 0 within 0.3s; re-sending/);
    hec.withholdAcks = false;
    await deliver(out, batchOf(makeEvents(5)));
    expect(hec.indexed.map((x) => x.event)).toEqual(makeEvents(5).map((x) => x.raw));
  });

  test('ack queries that fail with 503 are asked again', async () => {
    hec = await HecStandIn.start({ tokens: [{ token: DEFAULT_TOKEN, useAck: true }] });
    const out = hecOut({ httpeventUseAck: true, httpeventAckPollInterval: 0.03 });
    hec.failNext(2, 'busy', 'ack');
    await out.send(batchOf(makeEvents(4)));
    expect(hec.indexed).toHaveLength(4);
  });

  test('a token without useACK returns no ackId: HTTP 200 counts, with one warning', async () => {
    hec = await HecStandIn.start();
    const log = recordingLog();
    const out = hecOut({ httpeventUseAck: true }, httpevent, log);
    await out.send(batchOf(makeEvents(2)));
    await out.send(batchOf(makeEvents(2)));
    expect(hec.indexed).toHaveLength(4);
    expect(log.lines.filter((l) => l.level === 'warn' && l.msg.includes('returns no ackId'))).toHaveLength(1);
  });

  test('a token that uses acks, with httpeventUseAck off: HEC asks for a channel, a PermanentError says what to set', async () => {
    hec = await HecStandIn.start({ tokens: [{ token: DEFAULT_TOKEN, useAck: true }] });
    const out = hecOut();
    const e = await rejection(out.send(batchOf(makeEvents(1))));
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toContain('Data channel is missing (HEC code 10); its token uses indexer acknowledgement, so set httpeventUseAck = true');
  });
});

describe('metric_httpevent', () => {
  test('sends {"event":"metric","fields":…} built from _raw', async () => {
    hec = await HecStandIn.start();
    const out = hecOut({}, metricHttpevent);
    const raw = JSON.stringify({ fields: { 'metric_name:cpu.idle': 97.5, region: 'eu' } });
    await out.send(batchOf(makeEvents(3, 'm', { index: 'metrics' }).map((e) => ({ ...e, raw }))));
    expect(hec.indexed).toHaveLength(3);
    expect(hec.indexed[0]).toMatchObject({ event: 'metric', index: 'metrics', fields: { 'metric_name:cpu.idle': 97.5, region: 'eu' } });
  });

  test('_raw that is not a metric document fails the batch permanently, before sending anything', async () => {
    hec = await HecStandIn.start();
    const out = hecOut({}, metricHttpevent);
    const e = await rejection(out.send(batchOf(makeEvents(2))));
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toContain('metric_httpevent [net_test]: event 1 of the batch cannot be sent as a metric: it is not JSON');
    expect(hec.requests).toHaveLength(0);
  });

  test('gzip bodies decode to concatenated metric objects', async () => {
    hec = await HecStandIn.start();
    const out = hecOut({ httpeventGzip: true }, metricHttpevent);
    const raw = JSON.stringify({ fields: { 'metric_name:m': 1 } });
    await out.send(batchOf(makeEvents(2).map((e) => ({ ...e, raw }))));
    expect(hec.requests[0].headers['content-encoding']).toBe('gzip');
    expect(hec.indexed.map((e) => e.fields)).toEqual([{ 'metric_name:m': 1 }, { 'metric_name:m': 1 }]);
  });
});
