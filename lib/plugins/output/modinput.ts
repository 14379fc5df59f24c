/**
 * `modinput`: the Splunk modular-input XML event stream on stdout — what splunkd reads when
 * eventgen runs as a Splunk input, and what the original printed for outputMode = modinput.
 * The `<stream>` element opens with the first user and closes when the last one is done.
 */
import type { EventRecord, OutputPlugin } from '../api';
import { PLUGIN_API_VERSION } from '../api';
import { stdoutSink } from '../../output/stdout-sink';
import { encodeEventsXml } from '../../splunk/modinput';

export function encodeModinput(events: readonly EventRecord[]): string {
  return encodeEventsXml(events.map((e) => ({ time: e.time, data: e.raw, index: e.index, host: e.host, source: e.source, sourcetype: e.sourcetype })));
}

let opened = 0;

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
    let started = opened++ > 0;
    return {
      async send(batch) {
        if (!started) {
          started = true;
          await sink.write('<stream>\n');
        }
        await sink.write(batch.encoded ?? encodeModinput(batch.events ?? []));
      },
      async close() {
        if (--opened === 0) await sink.write(started ? '</stream>\n' : '<stream>\n</stream>\n');
        sink.release();
      },
    };
  },
};
export default plugin;
