/**
 * `outputMode = httpevent`: events to Splunk's HTTP Event Collector (see internal/hec-output.ts).
 * This plugin registers the HEC settings it adds (internal/hec-settings.ts) for both HEC outputs.
 */
import { PLUGIN_API_VERSION, type OutputPlugin } from '../../api';
import { settingsKey } from './internal/common';
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
  instanceKey: (sample) => settingsKey('httpevent', sample, HEC_KEY_SETTINGS, true),
  create: (sample, ctx) => new HecOutput(readHecConfig('httpevent', sample), ctx.log),
};

export default httpevent;
