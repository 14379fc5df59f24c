/**
 * The HEC outputs' encode(): the per-event work (event objects, raw lines, metric objects and
 * their sizes) is done where encode() runs — a generator worker thread — and send() only cuts the
 * result into payloads. These tests feed send() batches that carry `encoded` and no events, as the
 * output runner does for jobs from worker threads, and check that the bodies are byte for byte
 * those of the events path (pack/eventObjects/rawPayloads, pinned by hec-format.test.ts) and that
 * every delivery guarantee holds on this path: payload limit, partial resend, mirror, metric errors.
 */
import { PermanentError, type EventRecord, type Output, type OutputBatch } from '../../../../lib/plugins/api';
import httpevent from '../../../../lib/plugins/output/net/httpevent';
import metricHttpevent from '../../../../lib/plugins/output/net/metric_httpevent';
import { cutPayloads, eventObjects, metricObjects, pack, rawPayloads, readHecBatch, type EncodedBatch } from '../../../../lib/plugins/output/net/internal/hec-format';
import { HecStandIn } from '../../../stand-ins/hec';
import { batchOf, bodySink, create, deliver, makeEvents, recordingLog, rejection } from './support';

/** Events that exercise escaping and byte counting: quotes, backslashes, newlines, multi-byte and astral characters, a lone surrogate, `}{`, empty metadata, times HEC cannot take. */
function awkwardEvents(): EventRecord[] {
  const raws = ['plain', 'say "hi"\\path\ttab', 'two\nlines\r\n', 'ünïcödé 😀 €', 'lone \ud800 surrogate', '}{"event":"x"}{', ' ', 'x'.repeat(700), 'end'];
  return raws.map((raw, i) => ({
    raw,
    time: i === 3 ? NaN : i === 4 ? -5 : 1732737600 + i / 7,
    index: i % 4 === 0 ? '' : 'main',
    host: i % 3 === 0 ? 'web-01' : `wéb ${i}&x=1`,
    source: i === 5 ? '' : 'src',
    sourcetype: 'st',
  }));
}

/** The encoded batch as the runner hands it over from a worker thread: no events to fall back on. */
function encodedBatch(plugin: typeof httpevent, events: readonly EventRecord[], settings: Record<string, unknown> = {}): OutputBatch {
  return { count: events.length, encoded: plugin.encode!(events, settings) };
}

function read(encoded: string | undefined): EncodedBatch {
  const r = readHecBatch(encoded ?? '');
  if (!r || 'notMetric' in r) throw new Error('not an encoded batch');
  return r;
}

describe('encoded bodies are the bytes of the events path', () => {
  const events = [...awkwardEvents(), ...makeEvents(40), ...awkwardEvents()];

  test.each([1, 60, 333, 2000, 100000])('event endpoint, httpeventMaxPayloadSize = %i', (max) => {
    const batch = read(httpevent.encode!(events, { httpeventEndpoint: 'event' }));
    const cut = cutPayloads(batch, max);
    expectGreedy(cut, batch.groups[0][1], max);
    const expected = pack(eventObjects(events), max);
    expect(cut.map((p) => [bytes(p.body), p.count])).toEqual(expected.map((p) => [bytes(p.body), p.count]));
    expect(cut.every((p) => p.query === '')).toBe(true);
  });

  test.each([1, 60, 333, 100000])('raw endpoint, httpeventMaxPayloadSize = %i: lines grouped by metadata, metadata in the query', (max) => {
    const cut = cutPayloads(read(httpevent.encode!(events, { httpeventEndpoint: 'raw' })), max);
    const expected = rawPayloads(events, max);
    expect(cut.map((p) => [bytes(p.body), p.count, p.query])).toEqual(expected.map((p) => [bytes(p.body), p.count, p.query]));
  });

  test.each([1, 500, 100000])('metric objects, httpeventMaxPayloadSize = %i', (max) => {
    const metrics = events.map((e, i) => ({ ...e, raw: JSON.stringify({ fields: { 'metric_name:m': i, region: e.host, note: e.raw } }) }));
    const cut = cutPayloads(read(metricHttpevent.encode!(metrics, {})), max);
    const expected = pack(metricObjects(metrics, 'who'), max);
    expect(cut.map((p) => [bytes(p.body), p.count])).toEqual(expected.map((p) => [bytes(p.body), p.count]));
  });

  test('a body exactly at the limit is not split; one byte less, it is', () => {
    const batch = read(httpevent.encode!(events, { httpeventEndpoint: 'event' }));
    const sizes = batch.groups[0][1];
    const exact = sizes[0] + sizes[1] + sizes[2];
    expect(cutPayloads(batch, exact)[0].count).toBe(3);
    expect(cutPayloads(batch, exact - 1)[0].count).toBe(2);
    expectGreedy(cutPayloads(batch, exact), sizes, exact);
  });

  test('readHecBatch refuses text it did not make, or whose sizes do not add up', () => {
    const good = httpevent.encode!(makeEvents(3), {});
    expect(readHecBatch(good)).toBeDefined();
    expect(readHecBatch('2026-01-01 plain line\n')).toBeUndefined();
    expect(readHecBatch(good.slice(0, -1))).toBeUndefined();
    expect(readHecBatch(`${good}x`)).toBeUndefined();
  });
});

/**
 * The payload rule, checked on its own: a body holds whole pieces, stays within `max` bytes unless
 * it is one piece alone, and is cut only where the next piece would not fit.
 */
function expectGreedy(cut: readonly { body: Buffer; count: number }[], sizes: readonly number[], max: number): void {
  let next = 0;
  for (const p of cut) {
    const mine = sizes.slice(next, next + p.count);
    next += p.count;
    expect(p.body.length).toBe(mine.reduce((a, b) => a + b, 0));
    if (p.count > 1) expect(p.body.length).toBeLessThanOrEqual(max);
    if (next < sizes.length) expect(p.body.length + sizes[next]).toBeGreaterThan(max);
  }
  expect(next).toBe(sizes.length);
}

/** What goes on the wire, as hex: strings are compared after UTF-8 encoding, as sent. */
function bytes(body: string | Buffer): string {
  return (typeof body === 'string' ? Buffer.from(body) : body).toString('hex');
}

let hec: HecStandIn | undefined;
const outputs: Output[] = [];
afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.close?.()));
  await hec?.stop();
  hec = undefined;
});

function out(plugin: typeof httpevent, settings: Record<string, unknown>): Output {
  const o = create(plugin, settings, recordingLog());
  outputs.push(o);
  return o;
}

describe('send() with encoded batches', () => {
  test.each([
    ['event', false],
    ['event', true],
    ['raw', false],
    ['raw', true],
  ])('endpoint %s, gzip %s: the same requests as a batch of events', async (endpoint, gzip) => {
    const sink = await bodySink();
    try {
      const settings = { httpeventServers: { servers: [sink.server] }, httpeventEndpoint: endpoint, httpeventGzip: gzip, httpeventMaxPayloadSize: 700, httpeventOutputMode: 'roundrobin' };
      const evs = [...awkwardEvents(), ...makeEvents(30)];
      // One payload at a time, so both runs record their requests in the same order.
      const sequential = { ...settings, httpeventMaxPayloadSize: 100000 };
      await out(httpevent, sequential).send(batchOf(evs));
      await out(httpevent, sequential).send(encodedBatch(httpevent, evs, sequential));
      // encode() without the sample's settings (the runner encoding replay's events) makes event
      // objects; a raw output turns them into lines.
      await out(httpevent, sequential).send(encodedBatch(httpevent, evs, {}));
      const n = sink.bodies.length / 3;
      expect(sink.bodies.slice(n, 2 * n)).toEqual(sink.bodies.slice(0, n));
      expect(sink.bodies.slice(2 * n)).toEqual(sink.bodies.slice(0, n));
      expect(sink.paths.slice(n, 2 * n)).toEqual(sink.paths.slice(0, n));
      expect(sink.paths.slice(2 * n)).toEqual(sink.paths.slice(0, n));
      // Split payloads: the same multiset of bodies (they are posted in parallel).
      sink.bodies.length = 0;
      await out(httpevent, settings).send(batchOf(evs));
      const viaEvents = sink.bodies.splice(0).sort();
      await out(httpevent, settings).send(encodedBatch(httpevent, evs, settings));
      expect(sink.bodies.sort()).toEqual(viaEvents);
      expect(viaEvents.length).toBeGreaterThan(3);
    } finally {
      await sink.close();
    }
  });

  test('a retry after a partial failure resends only the payloads that were not delivered', async () => {
    hec = await HecStandIn.start();
    const o = out(httpevent, { httpeventServers: { servers: [hec.server()] }, httpeventMaxPayloadSize: 500 });
    const evs = makeEvents(40);
    const batch = encodedBatch(httpevent, evs, { httpeventEndpoint: 'event' });
    expect(batch.events).toBeUndefined();
    const payloads = cutPayloads(read(batch.encoded), 500).length;
    expect(payloads).toBeGreaterThan(5);
    hec.failNext(2, 'close');
    const r = await deliver(o, batch);
    expect(r.attempts).toBe(2);
    expect(r.retryable[0]).toContain(`2 of ${payloads} payloads not delivered (a retry sends only those)`);
    // Every payload once, plus the two that failed once more: nothing delivered is sent again.
    expect(hec.dataRequests).toBe(payloads + 2);
    expect(hec.indexed.map((e) => e.event).sort()).toEqual(evs.map((e) => e.raw).sort());
  });

  test('mirror: a retry resends only what the failing server missed', async () => {
    const a = await HecStandIn.start();
    hec = await HecStandIn.start();
    try {
      const o = out(httpevent, { httpeventServers: { servers: [a.server(), hec.server()] }, httpeventOutputMode: 'mirror', httpeventMaxPayloadSize: 600, httpeventAllowFailureCount: 10 });
      const evs = makeEvents(30);
      const batch = encodedBatch(httpevent, evs, { httpeventEndpoint: 'event' });
      const payloads = cutPayloads(read(batch.encoded), 600).length;
      hec.failNext(1, 'busy');
      const r = await deliver(o, batch);
      expect(r.attempts).toBe(2);
      expect(a.dataRequests).toBe(payloads);
      expect(hec.dataRequests).toBe(payloads + 1);
      expect(a.indexed.map((e) => e.event)).toEqual(evs.map((e) => e.raw));
      expect(hec.indexed.map((e) => e.event).sort()).toEqual(evs.map((e) => e.raw).sort());
    } finally {
      await a.stop();
    }
  });

  test('metric_httpevent: an event that is not a metric fails the encoded batch with the same message, and nothing is sent', async () => {
    hec = await HecStandIn.start();
    const settings = { httpeventServers: { servers: [hec.server()] } };
    const good = JSON.stringify({ fields: { 'metric_name:m': 1 } });
    const evs = [...makeEvents(2).map((e) => ({ ...e, raw: good })), { ...makeEvents(1)[0], raw: `not a metric ${'y'.repeat(100)}` }];
    // encode() runs on a worker thread: it must not throw (that would stop the sample as a generator failure).
    const batch = encodedBatch(metricHttpevent, evs);
    const viaEncoded = await rejection(out(metricHttpevent, settings).send(batch));
    const viaEvents = await rejection(out(metricHttpevent, settings).send(batchOf(evs)));
    expect(viaEncoded).toBeInstanceOf(PermanentError);
    expect(viaEncoded.message).toBe(viaEvents.message);
    expect(viaEncoded.message).toContain('metric_httpevent [net_test]: event 3 of the batch cannot be sent as a metric: it is not JSON');
    expect(viaEncoded.message).toContain(`this one is ${JSON.stringify(`not a metric ${'y'.repeat(67)}…`)}`);
    expect(hec.requests).toHaveLength(0);
  });

  test('text that is not an encoded batch is refused permanently, naming the output', async () => {
    hec = await HecStandIn.start();
    const o = out(httpevent, { httpeventServers: { servers: [hec.server()] } });
    const e = await rejection(o.send({ count: 1, encoded: 'just a line\n' }));
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toBe('httpevent [net_test]: the batch is not in the encoding of httpevent\'s encode(): "just a line\\n"');
    // Raw lines cannot become event objects (they have no time): a raw-encoded batch for an event output is refused.
    const e2 = await rejection(o.send(encodedBatch(httpevent, makeEvents(1), { httpeventEndpoint: 'raw' })));
    expect(e2.message).toBe('httpevent [net_test]: the batch is not encoded for httpeventEndpoint = event');
    expect(hec.requests).toHaveLength(0);
  });
});
