/**
 * Syslog formats and framing, settings validation, and syslogout over TLS against a node:tls
 * listener (rsyslog's TLS needs an extra package; the rsyslog tests cover UDP and TCP).
 */
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { PermanentError, type Output } from '../../../../lib/plugins/api';
import syslogout from '../../../../lib/plugins/output/net/syslogout';
import { bsdTimestamp, frame, priority, SyslogFormatter } from '../../../../lib/plugins/output/net/internal/syslog-format';
import { makeTestCert, type TestCert } from '../../../stand-ins/hec';
import { batchOf, create, makeEvents, rejection, waitUntil } from './support';

const T = Date.UTC(2024, 10, 5, 20, 1, 2, 345) / 1000; // 2024-11-05T20:01:02.345Z

describe('syslog formats', () => {
  test('priority = facility * 8 + severity; the original\'s <14> is user.info', () => {
    expect(priority('user', 'info')).toBe(14);
    expect(priority('kern', 'emerg')).toBe(0);
    expect(priority('local7', 'debug')).toBe(191);
  });

  test('RFC 3164 without header: <PRI> + the event, trailing whitespace removed', () => {
    const f = new SyslogFormatter({ protocol: 'rfc3164', facility: 'user', severity: 'info', addHeader: false, appName: 'x' });
    expect(f.format('hello world \t\r\n', T, 'h')).toBe('<14>hello world');
  });

  test('RFC 3164 header: local time as Python %b %d %H:%M:%S (zero-padded day), then the host', () => {
    const f = new SyslogFormatter({ protocol: 'rfc3164', facility: 'local0', severity: 'notice', addHeader: true, appName: 'x' });
    const d = new Date(T * 1000);
    const stamp = `${d.toLocaleString('en-US', { month: 'short' })} ${String(d.getDate()).padStart(2, '0')} ${[d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')}`;
    expect(bsdTimestamp(T)).toBe(stamp);
    expect(f.format('msg', T, 'web-01')).toBe(`<133>${stamp} web-01 msg`);
    expect(f.format('msg2', T + 0.5, 'web-01')).toBe(`<133>${stamp} web-01 msg2`);
  });

  test('RFC 5424: version 1, ISO time in UTC with ms, host, app, nil PROCID/MSGID/SD', () => {
    const f = new SyslogFormatter({ protocol: 'rfc5424', facility: 'user', severity: 'info', addHeader: false, appName: 'my app' });
    expect(f.format('event text  ', T, 'web 01')).toBe('<14>1 2024-11-05T20:01:02.345Z web_01 my_app - - - event text');
    expect(f.format('e', T, '')).toBe('<14>1 2024-11-05T20:01:02.345Z - my_app - - - e');
    expect(f.format('e', NaN, 'h')).toBe('<14>1 - h my_app - - - e');
  });

  test('octet counting counts bytes; newline framing appends LF', () => {
    expect(frame('<14>héllo', 'octet-counting')).toBe('10 <14>héllo');
    expect(frame('<14>a', 'newline')).toBe('<14>a\n');
  });
});

describe('syslogout settings', () => {
  test.each<[Record<string, unknown>, string]>([
    [{ syslogDestinationPort: 0 }, 'syslogout [net_test]: syslogDestinationPort = 0 must be at least 1'],
    [{ syslogProtocol: 'rfc9999' }, 'syslogProtocol = "rfc9999" must be one of rfc3164, rfc5424'],
    [{ syslogTransport: 'sctp' }, 'syslogTransport = "sctp" must be one of udp, tcp, tls'],
    [{ syslogFacility: 'local9' }, 'syslogFacility = "local9" must be one of kern, user'],
    [{ syslogTransport: 'tls', syslogCaFile: '/no/such/ca.pem' }, 'syslogCaFile = "/no/such/ca.pem" cannot be read'],
  ])('%j → PermanentError', (settings, msg) => {
    let err: unknown;
    try {
      create(syslogout, settings);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toContain(msg);
  });

  test('names are case-insensitive, as syslog users write them', async () => {
    const o = create(syslogout, { syslogProtocol: 'RFC5424', syslogFacility: 'LOCAL4', syslogSeverity: 'Err' });
    await o.close?.();
  });

  test('declares its settings for the schema', () => {
    expect(syslogout.settings!.map((d) => d.name)).toEqual(['syslogProtocol', 'syslogTransport', 'syslogFraming', 'syslogFacility', 'syslogSeverity', 'syslogAppName', 'syslogTimeout', 'syslogSslVerify', 'syslogCaFile']);
    expect(syslogout.settings!.every((d) => d.inherit && d.group === 'Output: syslogout')).toBe(true);
  });
});

describe('syslogout over TLS', () => {
  let cert: TestCert;
  let server: tls.Server;
  let received = '';
  const outputs: Output[] = [];

  beforeAll(async () => {
    cert = makeTestCert(['IP:127.0.0.1']);
    server = tls.createServer({ cert: cert.cert, key: cert.key }, (s) => {
      s.on('data', (c: Buffer) => (received += c.toString()));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    await Promise.all(outputs.map((o) => o.close?.()));
    await new Promise<void>((r) => server.close(() => r()));
  });

  const port = (): number => (server.address() as AddressInfo).port;
  function out(extra: Record<string, unknown>): Output {
    const o = create(syslogout, { syslogDestinationHost: '127.0.0.1', syslogDestinationPort: port(), syslogTransport: 'tls', ...extra });
    outputs.push(o);
    return o;
  }

  test('an unverifiable certificate is a PermanentError that says what to set', async () => {
    const e = await rejection(out({}).send(batchOf(makeEvents(1))));
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toBe(
      `syslogout [net_test]: the TLS certificate of tls://127.0.0.1:${port()} was rejected: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT); set syslogCaFile to the CA that signed it, or syslogSslVerify = false to skip verification`,
    );
  });

  test('with syslogCaFile: RFC 5424 messages with octet-counting framing arrive intact', async () => {
    received = '';
    const evs = [...makeEvents(3, 'tls'), { ...makeEvents(1, 'tls-ml')[0], raw: 'line one\nline two' }];
    await out({ syslogCaFile: cert.certFile, syslogProtocol: 'rfc5424' }).send(batchOf(evs));
    await waitUntil(() => received.includes('line two'), 3000, 'the TLS stream');
    // Parse the octet-counted stream back into messages.
    const msgs: string[] = [];
    let rest = Buffer.from(received);
    while (rest.length > 0) {
      const sp = rest.indexOf(' ');
      const n = Number(rest.subarray(0, sp).toString());
      msgs.push(rest.subarray(sp + 1, sp + 1 + n).toString());
      rest = rest.subarray(sp + 1 + n);
    }
    expect(msgs.map((m) => m.replace(/^<14>1 \S+ web-01 eventgen - - - /, ''))).toEqual(evs.map((e) => e.raw));
  });

  test('with syslogSslVerify = false any certificate is accepted', async () => {
    received = '';
    await out({ syslogSslVerify: false, syslogFraming: 'newline' }).send(batchOf(makeEvents(2, 'noverify')));
    await waitUntil(() => received.split('\n').length > 2, 3000, 'two lines');
    expect(received).toBe(makeEvents(2, 'noverify').map((e) => `<14>${e.raw}\n`).join(''));
  });
});
