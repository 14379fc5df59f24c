/**
 * `modinput`: the Splunk modular-input XML event stream on stdout — what splunkd reads when
 * eventgen runs as a Splunk input, and what the original printed for outputMode = modinput.
 * There is one instance per process (instanceKey), so one `<stream>` document: opened before the
 * first event, closed when the engine shuts the output down.
 */
import type { EventRecord, OutputPlugin } from '../api';
import { PLUGIN_API_VERSION } from '../api';
import { stdoutSink } from '../../output/stdout-sink';
import { encodeEventsXml } from '../../splunk/modinput';

export function encodeModinput(events: readonly EventRecord[]): string {
  return encodeEventsXml(events.map((e) => ({ time: e.time, data: e.raw, index: e.index, host: e.host, source: e.source, sourcetype: e.sourcetype })));
}

const plugin: OutputPlugin = {
  kind: 'output',
  name: 'modinput',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Splunk modular input XML event stream on standard output.',
  batchSize: 5000,
  encode: encodeModinput,
  instanceKey: () => 'modinput',
  create() {
    const sink = stdoutSink();
    sink.retain();
    let started = false;
    return {
      async send(batch) {
        const xml = batch.encoded ?? encodeModinput(batch.events ?? []);
        if (!started) {
          started = true;
          await sink.write('<stream>\n' + xml);
        } else await sink.write(xml);
      },
      async close() {
        // An input that generated nothing still answers with a well-formed, empty stream.
        await sink.write(started ? '</stream>\n' : '<stream>\n</stream>\n');
        sink.release();
      },
    };
  },
};
export default plugin;
