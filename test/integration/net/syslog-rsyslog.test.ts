/**
 * syslogout against a real rsyslogd (test/helpers/rsyslog.ts): what rsyslog receives and how it
 * parses it, for UDP and TCP, both framings and both RFCs.
 */
import type { Output } from '../../../lib/plugins/api';
import syslogout from '../../../lib/plugins/output/net/syslogout';
import { bsdTimestamp } from '../../../lib/plugins/output/net/internal/syslog-format';
import { describeWithRsyslog, startRsyslog, type Rsyslog, type RsyslogMessage } from '../../helpers/rsyslog';
import { batchOf, create, makeEvents } from '../../unit/outputs/net/support';

describeWithRsyslog('syslogout → rsyslogd', () => {
  let rs: Rsyslog;
  const outputs: Output[] = [];

  beforeAll(async () => {
    rs = await startRsyslog();
  }, 20000);
  afterAll(() => rs?.stop());
  afterEach(async () => {
    await Promise.all(outputs.splice(0).map((o) => o.close?.()));
  });

  function out(settings: Record<string, unknown>): Output {
    const o = create(syslogout, { syslogDestinationHost: '127.0.0.1', ...settings });
    outputs.push(o);
    return o;
  }
  const tagged =
    (tag: string) =>
    (ms: RsyslogMessage[]): RsyslogMessage[] =>
      ms.filter((m) => m.raw.includes(tag));

  test('defaults as the original: UDP, <14> + the event with trailing whitespace removed', async () => {
    const o = out({ syslogDestinationPort: rs.udpPort });
    const evs = makeEvents(20, 'udp-default', {}, ' trailing   ');
    for (let i = 0; i < evs.length; i += 10) await o.send(batchOf(evs.slice(i, i + 10)));
    const got = tagged('udp-default')(await rs.waitFor((m) => tagged('udp-default')(m).length >= 20));
    expect(got.map((m) => m.raw)).toEqual(evs.map((e) => `<14>${e.raw.trimEnd()}`));
    expect(got.every((m) => m.input === 'udp' && m.pri === '14')).toBe(true);
  });

  test('syslogAddHeader: rsyslog finds the host in the RFC 3164 header', async () => {
    const o = out({ syslogDestinationPort: rs.udpPort, syslogAddHeader: true, syslogFacility: 'local3', syslogSeverity: 'warning' });
    const evs = makeEvents(3, 'udp-header', { host: 'web-07' });
    await o.send(batchOf(evs));
    const got = tagged('udp-header')(await rs.waitFor((m) => tagged('udp-header')(m).length >= 3));
    expect(got[0].raw).toBe(`<156>${bsdTimestamp(evs[0].time)} web-07 ${evs[0].raw}`);
    expect(got.map((m) => [m.host, m.pri])).toEqual(Array(3).fill(['web-07', '156']));
  });

  test('TCP with octet counting: a multi-line event stays one message', async () => {
    const o = out({ syslogDestinationPort: rs.tcpPort, syslogTransport: 'tcp' });
    const evs = [...makeEvents(30, 'tcp-octet'), { ...makeEvents(1, 'tcp-octet-ml')[0], raw: 'tcp-octet-ml first line\nsecond line' }];
    await o.send(batchOf(evs.slice(0, 15)));
    await o.send(batchOf(evs.slice(15)));
    const got = tagged('tcp-octet')(await rs.waitFor((m) => tagged('tcp-octet')(m).length >= 31));
    expect(got).toHaveLength(31);
    expect(got.slice(0, 30).map((m) => m.raw)).toEqual(evs.slice(0, 30).map((e) => `<14>${e.raw}`));
    // rsyslog escapes control characters on receipt (LF → #012); what matters is that it is one message.
    expect(got[30].raw).toMatch(/^<14>tcp-octet-ml first line(#012|\n)second line$/);
    expect(got.every((m) => m.input === 'tcp')).toBe(true);
  });

  test('TCP with newline framing', async () => {
    const o = out({ syslogDestinationPort: rs.tcpPort, syslogTransport: 'tcp', syslogFraming: 'newline' });
    const evs = makeEvents(25, 'tcp-newline');
    await o.send(batchOf(evs));
    const got = tagged('tcp-newline')(await rs.waitFor((m) => tagged('tcp-newline')(m).length >= 25));
    expect(got.map((m) => m.raw)).toEqual(evs.map((e) => `<14>${e.raw}`));
  });

  test('RFC 5424 over TCP: rsyslog parses host and app name', async () => {
    const o = out({ syslogDestinationPort: rs.tcpPort, syslogTransport: 'tcp', syslogProtocol: 'rfc5424', syslogAppName: 'evgapp' });
    const evs = makeEvents(5, 'tcp-5424', { host: 'db-3' });
    await o.send(batchOf(evs));
    const got = tagged('tcp-5424')(await rs.waitFor((m) => tagged('tcp-5424')(m).length >= 5));
    expect(got[0].raw).toBe(`<14>1 ${new Date(evs[0].time * 1000).toISOString()} db-3 evgapp - - - ${evs[0].raw}`);
    expect(got.map((m) => [m.host, m.app, m.msg.trim()])).toEqual(evs.map((e) => ['db-3', 'evgapp', e.raw]));
  });

  test('RFC 5424 over UDP', async () => {
    const o = out({ syslogDestinationPort: rs.udpPort, syslogProtocol: 'rfc5424' });
    const evs = makeEvents(4, 'udp-5424');
    await o.send(batchOf(evs));
    const got = tagged('udp-5424')(await rs.waitFor((m) => tagged('udp-5424')(m).length >= 4));
    expect(got.map((m) => [m.host, m.app])).toEqual(Array(4).fill(['web-01', 'eventgen']));
  });
});
