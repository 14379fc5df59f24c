/**
 * splunkstream against a small fake splunkd (login + /services/receivers/simple) on 127.0.0.1.
 * The fake follows what splunk-platform.md and splunk-sdk document: form login answering
 * `{"sessionKey"}` with output_mode=json, `Authorization: Splunk <key>`, JSON `messages` errors.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { PermanentError, RetryableError, type Output } from '../../../../lib/plugins/api';
import splunkstream from '../../../../lib/plugins/output/net/splunkstream';
import { makeTestCert } from '../../../stand-ins/hec';
import { batchOf, create, deliver, makeEvents, rejection } from './support';

interface Received {
  query: Record<string, string>;
  body: string;
}

class FakeSplunkd {
  readonly received: Received[] = [];
  logins = 0;
  /** Session keys splunkd currently accepts. */
  readonly sessions = new Set<string>(['preset-key']);
  busy = 0;
  server!: http.Server;

  async start(tls?: { cert: string; key: string }): Promise<this> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.#handle(req, Buffer.concat(chunks).toString(), res));
    };
    this.server = tls ? https.createServer(tls, handler) : http.createServer(handler);
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  #handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = new URL(req.url!, 'http://x');
    const json = (status: number, o: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(o));
    };
    if (url.pathname === '/services/auth/login') {
      this.logins++;
      const f = new URLSearchParams(body);
      if (f.get('username') === 'admin' && f.get('password') === 'changeme') {
        const key = `key-${this.logins}`;
        this.sessions.add(key);
        return json(200, { sessionKey: key });
      }
      return json(401, { messages: [{ type: 'WARN', text: 'Login failed' }] });
    }
    if (url.pathname === '/services/receivers/simple') {
      const key = /^Splunk (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!key || !this.sessions.has(key)) return json(401, { messages: [{ type: 'WARN', text: 'call not properly authenticated' }] });
      if (this.busy > 0) {
        this.busy--;
        return json(503, { messages: [{ type: 'ERROR', text: 'Service Unavailable' }] });
      }
      if (url.searchParams.get('index') === 'nope') return json(400, { messages: [{ type: 'ERROR', text: 'Index nope does not exist' }] });
      this.received.push({ query: Object.fromEntries(url.searchParams), body });
      return json(200, { index: url.searchParams.get('index'), bytes: body.length });
    }
    json(404, { messages: [{ type: 'ERROR', text: 'Not Found' }] });
  }
}

let splunkd: FakeSplunkd;
const outputs: Output[] = [];
afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.close?.()));
  await splunkd?.stop();
});

function out(settings: Record<string, unknown>): Output {
  const o = create(splunkstream, { splunkHost: '127.0.0.1', splunkPort: splunkd.port, splunkMethod: 'http', ...settings });
  outputs.push(o);
  return o;
}

test('logs in, then posts one request per (index, source, sourcetype, host) with newline-joined raws', async () => {
  splunkd = await new FakeSplunkd().start();
  const o = out({ splunkUser: 'admin', splunkPass: 'changeme', hostRegex: '^(\\S+)' });
  const evs = [...makeEvents(3, 'a'), ...makeEvents(2, 'b', { sourcetype: 'access_combined' }), ...makeEvents(1, 'c')];
  await o.send(batchOf(evs));
  await o.send(batchOf(makeEvents(1, 'd')));
  expect(splunkd.logins).toBe(1);
  expect(splunkd.received.map((r) => r.body)).toEqual([
    [evs[0], evs[1], evs[2], evs[5]].map((e) => e.raw).join('\n'),
    [evs[3], evs[4]].map((e) => e.raw).join('\n'),
    makeEvents(1, 'd')[0].raw,
  ]);
  expect(splunkd.received[1].query).toEqual({ index: 'main', source: 'eventgen.log', sourcetype: 'access_combined', host_regex: '^(\\S+)', host: 'web-01' });
});

test('sessionKey is used as it is, without a login', async () => {
  splunkd = await new FakeSplunkd().start();
  await out({ sessionKey: 'preset-key' }).send(batchOf(makeEvents(2)));
  expect(splunkd.logins).toBe(0);
  expect(splunkd.received).toHaveLength(1);
});

test('an expired session is renewed by logging in again', async () => {
  splunkd = await new FakeSplunkd().start();
  const o = out({ splunkUser: 'admin', splunkPass: 'changeme' });
  await o.send(batchOf(makeEvents(1, 'x')));
  splunkd.sessions.clear();
  await o.send(batchOf(makeEvents(1, 'y')));
  expect(splunkd.logins).toBe(2);
  expect(splunkd.received).toHaveLength(2);
});

test('a failed login is a PermanentError naming the user and the settings', async () => {
  splunkd = await new FakeSplunkd().start();
  const e = await rejection(out({ splunkUser: 'admin', splunkPass: 'wrong' }).send(batchOf(makeEvents(1))));
  expect(e).toBeInstanceOf(PermanentError);
  expect(e.message).toBe(`splunkstream [net_test]: login to http://127.0.0.1:${splunkd.port} as "admin" failed: HTTP 401 Login failed; check splunkUser and splunkPass`);
});

test('a rejected session key is permanent; a refused index is permanent with splunkd\'s text', async () => {
  splunkd = await new FakeSplunkd().start();
  const e = await rejection(out({ sessionKey: 'stale' }).send(batchOf(makeEvents(1))));
  expect(e).toBeInstanceOf(PermanentError);
  expect(e.message).toContain('refused the events: HTTP 401 call not properly authenticated; check sessionKey');
  const e2 = await rejection(out({ sessionKey: 'preset-key' }).send(batchOf(makeEvents(1, 'i', { index: 'nope' }))));
  expect(e2).toBeInstanceOf(PermanentError);
  expect(e2.message).toContain('HTTP 400 Index nope does not exist');
});

test('503 is retryable, and a retry resends only the groups that failed', async () => {
  splunkd = await new FakeSplunkd().start();
  const o = out({ sessionKey: 'preset-key' });
  splunkd.busy = 1;
  const r = await deliver(o, batchOf([...makeEvents(2, 'p'), ...makeEvents(2, 'q', { host: 'other' })]));
  expect(r.attempts).toBe(2);
  expect(r.retryable[0]).toContain('HTTP 503 Service Unavailable');
  expect(splunkd.received).toHaveLength(2);
});

test('splunkd down is retryable', async () => {
  splunkd = await new FakeSplunkd().start();
  const o = out({ sessionKey: 'preset-key' });
  await splunkd.stop();
  const e = await rejection(o.send(batchOf(makeEvents(1))));
  expect(e).toBeInstanceOf(RetryableError);
  expect(e.message).toContain('ECONNREFUSED');
  splunkd = await new FakeSplunkd().start(); // for afterEach
});

test('https: verified by default, and the CA file fixes it', async () => {
  const cert = makeTestCert(['IP:127.0.0.1']);
  splunkd = await new FakeSplunkd().start(cert);
  const e = await rejection(out({ splunkMethod: 'https', sessionKey: 'preset-key' }).send(batchOf(makeEvents(1))));
  expect(e).toBeInstanceOf(PermanentError);
  expect(e.message).toContain('set splunkCaFile to the CA that signed it, or splunkSslVerify = false');
  await out({ splunkMethod: 'https', sessionKey: 'preset-key', splunkCaFile: cert.certFile }).send(batchOf(makeEvents(1)));
  await out({ splunkMethod: 'https', sessionKey: 'preset-key', splunkSslVerify: false }).send(batchOf(makeEvents(1)));
  expect(splunkd.received).toHaveLength(2);
});

test.each<[Record<string, unknown>, string]>([
  [{ splunkHost: undefined, sessionKey: 'k' }, 'splunkstream [net_test]: splunkHost is not set'],
  [{ splunkHost: 'https://idx:8089', sessionKey: 'k' }, 'splunkHost = "https://idx:8089" must be a host name or IP address'],
  [{}, 'set splunkUser and splunkPass (or sessionKey)'],
  [{ splunkUser: 'admin', sessionKey: undefined }, 'set splunkUser and splunkPass (or sessionKey)'],
])('%j → PermanentError in create()', (settings, msg) => {
  expect(() => create(splunkstream, { splunkHost: '127.0.0.1', ...settings })).toThrow(PermanentError);
  expect(() => create(splunkstream, { splunkHost: '127.0.0.1', ...settings })).toThrow(msg);
});
