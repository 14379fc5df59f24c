/**
 * httpevent delivery under failure, against real listeners on 127.0.0.1: a dead server among
 * live ones, mirror mode, and a HEC that is killed mid-run and restarted on the same port.
 * `deliver()` plays the output runner: it resends a batch that failed with a RetryableError.
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { RetryableError, type Output, type OutputBatch } from '../../../lib/plugins/api';
import httpevent from '../../../lib/plugins/output/net/httpevent';
import { DEFAULT_TOKEN, HecStandIn, type IndexedEvent } from '../../stand-ins/hec';
import { batchOf, create, deliver, makeEvents, recordingLog, rejection, sleep, waitUntil } from '../../unit/outputs/net/support';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function standIn(opts: Parameters<typeof HecStandIn.start>[0] = {}): Promise<HecStandIn> {
  const h = await HecStandIn.start(opts);
  cleanup.push(() => h.stop());
  return h;
}

function output(settings: Record<string, unknown>, log = recordingLog()): Output {
  const out = create(httpevent, settings, log);
  cleanup.push(() => out.close?.());
  return out;
}

/** A "server" that accepts TCP connections and drops them at once, counting them. */
async function resettingServer(): Promise<{ port: number; connections: () => number }> {
  let n = 0;
  const srv = net.createServer((s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise<void>((r) => srv.close(() => r())));
  return { port: (srv.address() as AddressInfo).port, connections: () => n };
}

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function countById(events: IndexedEvent[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of events) {
    const id = String(e.event).split(' ')[0];
    m.set(id, (m.get(id) ?? 0) + 1);
  }
  return m;
}

test('round robin with one dead server: every event arrives once on the live one, and the dead one is rested', async () => {
  const live = await standIn();
  const dead = await resettingServer();
  const log = recordingLog();
  const out = output(
    {
      httpeventServers: { servers: [{ protocol: 'http', address: '127.0.0.1', port: dead.port, key: 'k' }, live.server()] },
      httpeventAllowFailureCount: 3,
      httpeventServerBackoff: 60,
    },
    log,
  );
  const batches = Array.from({ length: 20 }, (_, b) => batchOf(makeEvents(10, `b${b}`)));
  for (const b of batches) await out.send(b); // failover happens inside send: no RetryableError reaches the runner
  expect(live.indexed).toHaveLength(200);
  expect([...countById(live.indexed).values()].every((n) => n === 1)).toBe(true);
  expect(dead.connections()).toBe(3);
  expect(log.text('warn')).toContain(`taking server 1 (http://127.0.0.1:${dead.port}) out of rotation for 60s after 3 consecutive failure(s)`);
});

test('every server out of rotation: RetryableError with the time until the next try', async () => {
  const port = await deadPort();
  const out = output({ httpeventServers: { servers: [{ protocol: 'http', address: '127.0.0.1', port, key: 'k' }] }, httpeventAllowFailureCount: 1, httpeventServerBackoff: 5 });
  const first = await rejection(out.send(batchOf(makeEvents(1))));
  expect(first.message).toContain('ECONNREFUSED');
  const e = await rejection(out.send(batchOf(makeEvents(1))));
  expect(e).toBeInstanceOf(RetryableError);
  expect(e.message).toContain('every HEC server is out of rotation after 1 consecutive failure(s)');
  expect((e as RetryableError).retryAfterMs).toBeGreaterThan(4000);
});

test('a rested server comes back after the backoff', async () => {
  const hec = await standIn();
  const port = hec.port;
  await hec.stop();
  const log = recordingLog();
  const out = output({ httpeventServers: { servers: [{ protocol: 'http', address: '127.0.0.1', port, key: DEFAULT_TOKEN }] }, httpeventAllowFailureCount: 1, httpeventServerBackoff: 0.2 }, log);
  await rejection(out.send(batchOf(makeEvents(1))));
  const again = await standIn({ port });
  await sleep(250);
  await out.send(batchOf(makeEvents(3)));
  expect(again.indexed).toHaveLength(3);
  expect(log.text('info')).toContain('is back in rotation');
});

test('mirror: every server gets every event; a failing server is retried alone, then rested', async () => {
  const a = await standIn();
  const b = await standIn();
  const out = output({ httpeventServers: { servers: [a.server(), b.server()] }, httpeventOutputMode: 'mirror', httpeventAllowFailureCount: 2, httpeventMaxPayloadSize: 100000 });
  await out.send(batchOf(makeEvents(10, 'm')));
  expect(a.indexed).toHaveLength(10);
  expect(b.indexed).toHaveLength(10);

  b.failNext(100, 'busy');
  const batch = batchOf(makeEvents(10, 'n'));
  const r = await deliver(out, batch);
  // First attempt: a gets it, b fails; second: only b is asked, fails again and is rested; third: done.
  expect(r.attempts).toBe(3);
  expect(a.indexed).toHaveLength(20);
  expect(b.indexed).toHaveLength(10);
});

/** Drives `batches` through `out` with two concurrent senders (outputWorkers = 2). */
async function drive(out: Output, batches: OutputBatch[]): Promise<void> {
  const worker = async (k: number): Promise<void> => {
    for (let i = k; i < batches.length; i += 2) await deliver(out, batches[i], { attempts: 400, backoffMs: 20, maxWaitMs: 100 });
  };
  await Promise.all([worker(0), worker(1)]);
}

test('HEC killed mid-run and restarted, with acks: every event is indexed exactly once', async () => {
  const tokens = [{ token: DEFAULT_TOKEN, useAck: true }];
  const first = await standIn({ tokens, ackDelayMs: 30 });
  const port = first.port;
  const out = output(
    {
      httpeventServers: { servers: [first.server()] },
      httpeventUseAck: true,
      httpeventAckPollInterval: 0.02,
      httpeventAckTimeout: 2,
      httpeventTimeout: 2,
      httpeventMaxPayloadSize: 1500,
      // A slow machine retries more often while the server is down; resting the only server
      // would turn the 300 ms outage into httpeventServerBackoff.
      httpeventAllowFailureCount: 10000,
    },
  );
  const batches = Array.from({ length: 40 }, (_, b) => batchOf(makeEvents(25, `k${b}`)));
  const running = drive(out, batches);
  // Kill while some events are received but not yet acknowledged: those are lost with the server.
  await waitUntil(() => first.indexed.length >= 250 && first.held > 0, 10000, 'a quarter of the events, and some held');
  const lostInKill = first.held;
  await first.kill();
  const indexedBeforeKill = first.indexed.length;
  await sleep(300);
  const second = await standIn({ tokens, ackDelayMs: 30, port });
  await running;

  const counts = countById([...first.indexed, ...second.indexed]);
  expect(counts.size).toBe(1000);
  expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  expect(lostInKill).toBeGreaterThan(0);
  expect(first.indexed.length).toBe(indexedBeforeKill);
  expect(second.indexed.length).toBeGreaterThanOrEqual(1000 - indexedBeforeKill);
});

test('HEC killed mid-run and restarted, without acks: every event arrives at least once', async () => {
  const first = await standIn();
  const port = first.port;
  const out = output({ httpeventServers: { servers: [first.server()] }, httpeventTimeout: 2, httpeventMaxPayloadSize: 1500, httpeventAllowFailureCount: 10000 });
  const batches = Array.from({ length: 40 }, (_, b) => batchOf(makeEvents(25, `n${b}`)));
  const running = drive(out, batches);
  await waitUntil(() => first.indexed.length >= 250, 10000, 'a quarter of the events');
  await first.kill();
  await sleep(300);
  const second = await standIn({ port });
  await running;

  const counts = countById([...first.indexed, ...second.indexed]);
  expect(counts.size).toBe(1000);
  expect([...counts.values()].every((n) => n >= 1)).toBe(true);
});
