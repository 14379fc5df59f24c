/**
 * `outputMode = udpout`: one datagram per event (`raw + "\n"`) to udpDestinationHost:Port, as the
 * original. UDP gives no delivery signal, so send() resolves once the datagrams are handed to the
 * kernel; an event too large for a datagram is reported, not silently truncated.
 */
import { PLUGIN_API_VERSION, PermanentError, type Output, type OutputBatch, type OutputPlugin, type SampleSpec } from '../../api';
import { outputLabel, readerCheck, SettingsReader, settingsKey } from './internal/common';
import { UdpSender, type UdpOptions } from './internal/udp-sender';

/** Reads and checks the udpout settings, opening nothing; throws PermanentError naming the setting. */
function readUdpConfig(sample: SampleSpec): UdpOptions {
  const who = outputLabel('udpout', sample);
  const r = new SettingsReader(sample, who);
  return { host: r.required('udpDestinationHost', 'the receiver'), port: r.int('udpDestinationPort', 1, 65535), who };
}

class UdpOutput implements Output {
  readonly #udp: UdpSender;

  constructor(sample: SampleSpec) {
    this.#udp = new UdpSender(readUdpConfig(sample));
  }

  async send(batch: OutputBatch): Promise<void> {
    if (!batch.events) throw new PermanentError('udpout: the batch has no events');
    return this.#udp.send(batch.events.map((e) => Buffer.from(`${e.raw}\n`)));
  }

  close(): Promise<void> {
    return this.#udp.close();
  }
}

const udpout: OutputPlugin = {
  kind: 'output',
  name: 'udpout',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Raw events, one UDP datagram each.',
  // The original's MAXQUEUELENGTH; maxQueueLength overrides it.
  batchSize: 10,
  settings: [],
  instanceKey: (sample) => settingsKey('udpout', sample, ['udpDestinationHost', 'udpDestinationPort']),
  check: readerCheck('udpout', readUdpConfig),
  create: (sample) => new UdpOutput(sample),
};

export default udpout;
