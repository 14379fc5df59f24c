/**
 * `outputMode = httpevent`: events to Splunk's HTTP Event Collector (see internal/hec-output.ts).
 * This plugin registers the HEC settings it adds (internal/hec-settings.ts) for both HEC outputs.
 */
import { PLUGIN_API_VERSION, type OutputPlugin } from '../../api';
import { readerCheck, settingsKey } from './internal/common';
import { encodeHecBatch } from './internal/hec-format';
import { HecOutput, readHecConfig } from './internal/hec-output';
import { HEC_KEY_SETTINGS, HEC_SETTINGS } from './internal/hec-settings';

const httpevent: OutputPlugin = {
  kind: 'output',
  name: 'httpevent',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Splunk HTTP Event Collector: JSON events (or raw lines), round robin or mirrored over servers, optional gzip and indexer acknowledgement.',
  // The original's MAXQUEUELENGTH; payloads are cut at httpeventMaxPayloadSize whatever the batch.
  batchSize: 1000,
  // HecOutput keeps each batch's progress by batch, so outputWorkers batches may be in flight.
  concurrentSends: true,
  settings: HEC_SETTINGS,
  // On the generator worker threads: the event objects (or raw lines) and their sizes; send() only
  // cuts them into payloads. Without the setting (the runner encoding replay's events), event
  // objects, which send() turns into raw lines if the output needs them.
  encode: (events, settings) => encodeHecBatch(events, String(settings.httpeventEndpoint ?? '').trim().toLowerCase() === 'raw' ? 'raw' : 'event'),
  instanceKey: (sample) => settingsKey('httpevent', sample, HEC_KEY_SETTINGS, true),
  // The very reader create() uses: validate and a run accept the same settings.
  check: readerCheck('httpevent', (sample) => readHecConfig('httpevent', sample)),
  create: (sample, ctx) => new HecOutput(readHecConfig('httpevent', sample), ctx.log),
};

export default httpevent;
