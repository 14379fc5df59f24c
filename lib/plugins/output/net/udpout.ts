/**
 * `outputMode = udpout`: one datagram per event (`raw + "\n"`) to udpDestinationHost:Port, as the
 * original. UDP gives no delivery signal, so send() resolves once the datagrams are handed to the
 * kernel; an event too large for a datagram is reported, not silently truncated.
 */
import { PLUGIN_API_VERSION, PermanentError, type Output, type OutputBatch, type OutputPlugin, type SampleSpec } from '../../api';
import { outputLabel, SettingsReader, settingsKey } from './internal/common';
import { UdpSender } from './internal/udp-sender';

class UdpOutput implements Output {
  readonly #udp: UdpSender;

  constructor(sample: SampleSpec) {
    const who = outputLabel('udpout', sample);
    const r = new SettingsReader(sample, who);
    this.#udp = new UdpSender({ host: r.required('udpDestinationHost', 'the receiver'), port: r.int('udpDestinationPort', 1, 65535), who });
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
  create: (sample) => new UdpOutput(sample),
};

export default udpout;
