/**
 * `outputMode = syslogout`: events as syslog messages to syslogDestinationHost:Port.
 *
 * The defaults match the original (Python's SysLogHandler over UDP to port 1514): RFC 3164,
 * facility user, severity info, so `<14>` + the event with trailing whitespace removed, and with
 * syslogAddHeader `<14>Mmm dd HH:MM:SS host ` in front. Added here: RFC 5424, TCP with RFC 6587
 * octet counting or newline framing, TLS, and facility/severity/app name. Two differences from the
 * original, both deliberate: the header carries the event's time rather than the send time (they
 * only differ for backfill, where the event's time is the one that means something), and no NUL
 * byte is appended to UDP datagrams (Python's append_nul, which receivers show as garbage or drop).
 */
import type { SettingDef } from '../../../conf/types';
import { PLUGIN_API_VERSION, PermanentError, type EventRecord, type Output, type OutputBatch, type OutputPlugin, type PluginLogger, type SampleSpec } from '../../api';
import { outputLabel, readerCheck, readTls, SettingsReader, settingsKey, type TlsSettings } from './internal/common';
import { StreamConnection } from './internal/stream-connection';
import { FACILITIES, frame, SEVERITIES, SyslogFormatter, type Framing, type SyslogFormat } from './internal/syslog-format';
import { UdpSender } from './internal/udp-sender';

const GROUP = 'Output: syslogout';

function def(name: string, type: SettingDef['type'], dflt: unknown, doc: string, extra: Partial<SettingDef> = {}): SettingDef {
  return { name, type, default: dflt, inherit: true, group: GROUP, doc, ...extra };
}

export const SYSLOG_SETTINGS: readonly SettingDef[] = [
  def('syslogProtocol', 'enum', 'rfc3164', 'rfc3164: <PRI> and the event (header only with syslogAddHeader), as the original; rfc5424: <PRI>1 TIMESTAMP HOST APP - - - event.', { values: ['rfc3164', 'rfc5424'], caseInsensitive: true }),
  def('syslogTransport', 'enum', 'udp', 'udp (one datagram per event, as the original), tcp, or tls.', { values: ['udp', 'tcp', 'tls'], caseInsensitive: true }),
  def('syslogFraming', 'enum', 'octet-counting', 'TCP/TLS framing: octet-counting (RFC 6587 "<length> <message>", safe for multi-line events) or newline.', { values: ['octet-counting', 'newline'], caseInsensitive: true }),
  def('syslogFacility', 'enum', 'user', 'Syslog facility name (kern, user, daemon, auth, local0 … local7, …).', { values: FACILITIES, caseInsensitive: true }),
  def('syslogSeverity', 'enum', 'info', 'Syslog severity name (emerg, alert, crit, err, warning, notice, info, debug).', { values: SEVERITIES, caseInsensitive: true }),
  def('syslogAppName', 'string', 'eventgen', 'APP-NAME of RFC 5424 messages.'),
  def('syslogTimeout', 'float', 10, 'Seconds allowed to connect, or for the receiver to take a batch, over TCP/TLS.', { min: 0.01 }),
  def('syslogSslVerify', 'bool', true, 'With syslogTransport = tls: verify the receiver\'s certificate and host name.'),
  def('syslogCaFile', 'path', undefined, 'With syslogTransport = tls: PEM file of CA certificates trusted in addition to the bundled ones; relative to the conf file\'s folder.'),
];

const KEY_SETTINGS = ['syslogDestinationHost', 'syslogDestinationPort', 'syslogAddHeader', ...SYSLOG_SETTINGS.map((d) => d.name)];

interface SyslogConfig {
  readonly who: string;
  readonly host: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp' | 'tls';
  readonly framing: Framing;
  readonly format: SyslogFormat;
  readonly timeoutMs: number;
  readonly tls?: TlsSettings;
}

/** Reads and checks every syslogout setting, opening nothing; throws PermanentError naming the setting. */
function readSyslogConfig(sample: SampleSpec): SyslogConfig {
  const who = outputLabel('syslogout', sample);
  const r = new SettingsReader(sample, who, SYSLOG_SETTINGS);
  const host = r.required('syslogDestinationHost', 'the syslog receiver').trim();
  const port = r.int('syslogDestinationPort', 1, 65535);
  const transport = r.choice('syslogTransport', ['udp', 'tcp', 'tls'] as const);
  const framing = r.choice('syslogFraming', ['octet-counting', 'newline'] as const);
  const format: SyslogFormat = {
    protocol: r.choice('syslogProtocol', ['rfc3164', 'rfc5424'] as const),
    facility: r.choice('syslogFacility', FACILITIES),
    severity: r.choice('syslogSeverity', SEVERITIES),
    addHeader: r.bool('syslogAddHeader'),
    appName: r.string('syslogAppName') ?? 'eventgen',
  };
  const timeoutMs = r.float('syslogTimeout', 0.01) * 1000;
  const tls = transport === 'tls' ? readTls(r, 'syslogSslVerify', 'syslogCaFile') : undefined;
  return { who, host, port, transport, framing, format, timeoutMs, tls };
}

class SyslogOutput implements Output {
  readonly #formatter: SyslogFormatter;
  readonly #udp?: UdpSender;
  readonly #stream?: StreamConnection;
  readonly #framing: Framing;

  constructor(sample: SampleSpec, log: PluginLogger) {
    const { who, host, port, transport, framing, format, timeoutMs, tls } = readSyslogConfig(sample);
    this.#framing = framing;
    this.#formatter = new SyslogFormatter(format);
    if (transport === 'udp') this.#udp = new UdpSender({ host, port, who });
    else this.#stream = new StreamConnection({ host, port, tls, timeoutMs, who, log });
  }

  async send(batch: OutputBatch): Promise<void> {
    const events = batch.events;
    if (!events) throw new PermanentError('syslogout: the batch has no events');
    if (events.length === 0) return;
    const msgs = this.#messages(events);
    if (this.#udp) return this.#udp.send(msgs.map((m) => Buffer.from(m)));
    let data = '';
    for (const m of msgs) data += frame(m, this.#framing);
    await this.#stream!.write(data);
  }

  async close(): Promise<void> {
    await this.#udp?.close();
    await this.#stream?.close();
  }

  #messages(events: readonly EventRecord[]): string[] {
    return events.map((e) => this.#formatter.format(e.raw, e.time, e.host));
  }
}

const syslogout: OutputPlugin = {
  kind: 'output',
  name: 'syslogout',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Syslog (RFC 3164 or 5424) over UDP, TCP or TLS.',
  // The original's MAXQUEUELENGTH; maxQueueLength overrides it.
  batchSize: 10,
  settings: SYSLOG_SETTINGS,
  instanceKey: (sample) => settingsKey('syslogout', sample, KEY_SETTINGS),
  check: readerCheck('syslogout', readSyslogConfig),
  create: (sample, ctx) => new SyslogOutput(sample, ctx.log),
};

export default syslogout;
