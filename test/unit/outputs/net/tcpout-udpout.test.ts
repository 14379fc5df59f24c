/**
 * tcpout and udpout against node:net / node:dgram listeners on 127.0.0.1, counting what arrives.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { PermanentError, RetryableError, type Output } from '../../../../lib/plugins/api';
import tcpout from '../../../../lib/plugins/output/net/tcpout';
import udpout from '../../../../lib/plugins/output/net/udpout';
import { batchOf, create, deliver, makeEvents, recordingLog, rejection, sampleSpec, sleep, waitUntil } from './support';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface TcpSink {
  port: number;
  data: () => string;
  connections: () => number;
  /** Closes every open connection from the server side. */
  dropConnections: () => void;
  sockets: Set<net.Socket>;
}

async function tcpSink(onConnection?: (s: net.Socket) => void): Promise<TcpSink> {
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  let n = 0;
  const srv = net.createServer((s) => {
    n++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    if (onConnection) onConnection(s);
    else s.on('data', (c: Buffer) => chunks.push(c));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  cleanup.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  );
  return {
    port: (srv.address() as AddressInfo).port,
    data: () => Buffer.concat(chunks).toString(),
    connections: () => n,
    dropConnections: () => {
      for (const s of sockets) s.destroy();
    },
    sockets,
  };
}

function tcp(port: number, extra: Record<string, unknown> = {}, log = recordingLog()): Output {
  const o = create(tcpout, { tcpDestinationHost: '127.0.0.1', tcpDestinationPort: port, ...extra }, log);
  cleanup.push(() => o.close?.());
  return o;
}

describe('tcpout', () => {
  test('raw + "\\n" per event, in order, byte for byte, over one connection', async () => {
    const sink = await tcpSink();
    const o = tcp(sink.port);
    const evs = makeEvents(100, 'ü-tcp');
    for (let i = 0; i < 100; i += 10) await o.send(batchOf(evs.slice(i, i + 10)));
    const expected = evs.map((e) => `${e.raw}\n`).join('');
    await waitUntil(() => Buffer.byteLength(sink.data()) >= Buffer.byteLength(expected), 3000, 'all bytes');
    expect(sink.data()).toBe(expected);
    expect(sink.connections()).toBe(1);
  });

  test('a connection the receiver closes is replaced; with the runner\'s retries every line arrives', async () => {
    const sink = await tcpSink();
    const o = tcp(sink.port);
    const evs = makeEvents(60, 'drop');
    for (let b = 0; b < 6; b++) {
      if (b === 2 || b === 4) {
        // Close once what was sent has been read: data still in flight when a receiver drops a
        // connection is lost with it, which plain TCP cannot tell the sender.
        await waitUntil(() => sink.data().includes(`drop-${b * 10 - 1} `), 3000, 'the lines so far');
        sink.dropConnections();
        await sleep(50);
      }
      await deliver(o, batchOf(evs.slice(b * 10, b * 10 + 10)));
    }
    await waitUntil(() => evs.every((e) => sink.data().includes(`${e.raw}\n`)), 3000, 'every line');
    expect(sink.connections()).toBe(3);
  });

  test('a receiver that is down is a RetryableError naming the output and the address', async () => {
    const sink = await tcpSink();
    const port = sink.port;
    await cleanup.pop()!();
    const e = await rejection(tcp(port).send(batchOf(makeEvents(1))));
    expect(e).toBeInstanceOf(RetryableError);
    expect(e.message).toContain(`tcpout [net_test]: cannot connect to tcp://127.0.0.1:${port}: connect ECONNREFUSED`);
  });

  test('a receiver that stops reading makes the write time out (RetryableError), then the next send reconnects', async () => {
    let first = true;
    const chunks: Buffer[] = [];
    const sink = await tcpSink((s) => {
      if (first) {
        first = false;
        s.pause(); // never reads: the kernel buffers fill up
      } else s.on('data', (c: Buffer) => chunks.push(c));
    });
    const o = tcp(sink.port, { tcpTimeout: 0.3 });
    const big = makeEvents(20000, 'fill', {}, ` ${'x'.repeat(1000)}`);
    const e = await rejection(o.send(batchOf(big)));
    expect(e).toBeInstanceOf(RetryableError);
    expect(e.message).toContain('write not accepted within 0.3s');
    await o.send(batchOf(makeEvents(3, 'after')));
    await waitUntil(() => Buffer.concat(chunks).toString().includes('after-2'), 3000, 'data on the new connection');
    expect(sink.connections()).toBe(2);
  });

  test('bad settings are a PermanentError naming the setting', () => {
    expect(() => create(tcpout, { tcpDestinationPort: 'x' })).toThrow(PermanentError);
    expect(() => create(tcpout, { tcpDestinationPort: 'x' })).toThrow('tcpout [net_test]: tcpDestinationPort = "x" must be a whole number');
    expect(() => create(tcpout, { tcpDestinationPort: 70000 })).toThrow('tcpDestinationPort = 70000 must be at most 65535');
    expect(() => create(tcpout, { tcpDestinationHost: ' ' })).toThrow('tcpout [net_test]: tcpDestinationHost is not set');
  });

  test('batches of 10 as the original; samples with the same destination share an instance', () => {
    expect(tcpout.batchSize).toBe(10);
    const key = (stanza: string, port: number): string => tcpout.instanceKey!(sampleSpec({ tcpDestinationHost: 'idx', tcpDestinationPort: port }, stanza));
    expect(key('a', 3333)).toBe(key('b', 3333));
    expect(key('a', 3333)).not.toBe(key('a', 3334));
    expect(udpout.batchSize).toBe(10);
  });
});

async function udpSink(): Promise<{ port: number; datagrams: Buffer[] }> {
  const s = dgram.createSocket('udp4');
  const datagrams: Buffer[] = [];
  s.on('message', (m) => datagrams.push(m));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise<void>((r) => s.close(() => r())));
  return { port: s.address().port, datagrams };
}

describe('udpout', () => {
  test('one datagram per event, raw + "\\n", bytes counted', async () => {
    const sink = await udpSink();
    const o = create(udpout, { udpDestinationHost: '127.0.0.1', udpDestinationPort: sink.port });
    cleanup.push(() => o.close?.());
    const evs = makeEvents(50, 'é-udp');
    for (let i = 0; i < 50; i += 10) await o.send(batchOf(evs.slice(i, i + 10)));
    await waitUntil(() => sink.datagrams.length >= 50, 3000, '50 datagrams');
    expect(sink.datagrams.map((d) => d.toString())).toEqual(evs.map((e) => `${e.raw}\n`));
    const bytes = sink.datagrams.reduce((n, d) => n + d.length, 0);
    expect(bytes).toBe(evs.reduce((n, e) => n + Buffer.byteLength(`${e.raw}\n`), 0));
  });

  test('an event too large for a datagram is reported; the rest of the batch still goes', async () => {
    const sink = await udpSink();
    const o = create(udpout, { udpDestinationHost: '127.0.0.1', udpDestinationPort: sink.port });
    cleanup.push(() => o.close?.());
    const evs = [makeEvents(1, 'before')[0], { ...makeEvents(1, 'huge')[0], raw: 'x'.repeat(70000) }, makeEvents(1, 'after')[0]];
    const e = await rejection(o.send(batchOf(evs)));
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toBe('udpout [net_test]: 1 of 3 event(s) were too large for a UDP datagram (largest 70001 bytes) and were not sent; the others were');
    await waitUntil(() => sink.datagrams.length >= 2, 3000, 'the two small datagrams');
    expect(sink.datagrams.map((d) => d.toString().split(' ')[0])).toEqual(['before-0', 'after-0']);
  });

  test('a receiver that is not there is not an error (UDP), and an unknown host is retryable', async () => {
    const sink = await udpSink();
    const port = sink.port;
    await cleanup.pop()!();
    const o = create(udpout, { udpDestinationHost: '127.0.0.1', udpDestinationPort: port });
    cleanup.push(() => o.close?.());
    await o.send(batchOf(makeEvents(3)));
    const bad = create(udpout, { udpDestinationHost: 'no-such-host.invalid', udpDestinationPort: port });
    cleanup.push(() => bad.close?.());
    const e = await rejection(bad.send(batchOf(makeEvents(1))));
    expect(e).toBeInstanceOf(RetryableError);
    expect(e.message).toContain('udpout [net_test]: cannot resolve no-such-host.invalid');
  });
});
