/**
 * `outputMode = tcpout`: each event as a line (`raw + "\n"`) on one persistent TCP connection to
 * tcpDestinationHost:Port. The original opened a new connection per flush; keeping one open is
 * faster and, to a receiver, the same stream of lines. A broken connection makes send() throw a
 * RetryableError; the runner resends the batch and the next send reconnects.
 */
import type { SettingDef } from '../../../conf/types';
import { PLUGIN_API_VERSION, PermanentError, type Output, type OutputBatch, type OutputPlugin, type PluginLogger, type SampleSpec } from '../../api';
import { outputLabel, readerCheck, SettingsReader, settingsKey } from './internal/common';
import { StreamConnection, type StreamOptions } from './internal/stream-connection';

export const TCP_SETTINGS: readonly SettingDef[] = [
  { name: 'tcpTimeout', type: 'float', default: 10, inherit: true, group: 'Output: tcpout / udpout', doc: 'tcpout: seconds allowed to connect, or for the receiver to take a batch.', min: 0.01 },
];

/** Reads and checks the tcpout settings, opening nothing; throws PermanentError naming the setting. */
function readTcpConfig(sample: SampleSpec): Omit<StreamOptions, 'log'> {
  const who = outputLabel('tcpout', sample);
  const r = new SettingsReader(sample, who, TCP_SETTINGS);
  return {
    host: r.required('tcpDestinationHost', 'the receiver'),
    port: r.int('tcpDestinationPort', 1, 65535),
    timeoutMs: r.float('tcpTimeout', 0.01) * 1000,
    who,
  };
}

class TcpOutput implements Output {
  readonly #conn: StreamConnection;

  constructor(sample: SampleSpec, log: PluginLogger) {
    this.#conn = new StreamConnection({ ...readTcpConfig(sample), log });
  }

  async send(batch: OutputBatch): Promise<void> {
    if (!batch.events) throw new PermanentError('tcpout: the batch has no events');
    if (batch.events.length === 0) return;
    let data = '';
    for (const e of batch.events) data += `${e.raw}\n`;
    await this.#conn.write(data);
  }

  close(): Promise<void> {
    return this.#conn.close();
  }
}

const tcpout: OutputPlugin = {
  kind: 'output',
  name: 'tcpout',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Raw event lines over one persistent TCP connection.',
  // The original's MAXQUEUELENGTH; maxQueueLength overrides it.
  batchSize: 10,
  settings: TCP_SETTINGS,
  instanceKey: (sample) => settingsKey('tcpout', sample, ['tcpDestinationHost', 'tcpDestinationPort', 'tcpTimeout']),
  check: readerCheck('tcpout', readTcpConfig),
  create: (sample, ctx) => new TcpOutput(sample, ctx.log),
};

export default tcpout;
