/** `stdout`: one line per event (trailing whitespace trimmed, as the original printed it). */
import type { EventRecord, OutputPlugin } from '../api';
import { PLUGIN_API_VERSION } from '../api';
import { stdoutSink } from '../../output/stdout-sink';

export function encodeLines(events: readonly EventRecord[]): string {
  let out = '';
  for (let i = 0; i < events.length; i++) out += events[i].raw.trimEnd() + '\n';
  return out;
}

const plugin: OutputPlugin = {
  kind: 'output',
  name: 'stdout',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Writes each event as a line on standard output.',
  batchSize: 10000,
  encode: encodeLines,
  instanceKey: () => 'stdout',
  create() {
    const sink = stdoutSink();
    sink.retain();
    return {
      send: (batch) => sink.write(batch.encoded ?? encodeLines(batch.events ?? [])),
      close: () => void sink.release(),
    };
  },
};
export default plugin;
