/**
 * `outputMode = metric_httpevent`: metrics to HEC, like the original. Each event's `_raw` is a JSON
 * document whose `fields` object (e.g. `{"metric_name:cpu.idle": 97, "region": "eu"}`) is sent as
 * `{"event":"metric","fields":{…}}` with the event's time and metadata. Same servers, settings and
 * delivery as httpevent (whose plugin registers the shared settings).
 */
import { PLUGIN_API_VERSION, type OutputPlugin } from '../../api';
import { settingsKey } from './internal/common';
import { HecOutput, readHecConfig } from './internal/hec-output';
import { HEC_KEY_SETTINGS } from './internal/hec-settings';

const metricHttpevent: OutputPlugin = {
  kind: 'output',
  name: 'metric_httpevent',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Splunk HTTP Event Collector metrics: each event is JSON whose "fields" become a metric data point.',
  batchSize: 1000,
  // HecOutput keeps each batch's progress by batch, so outputWorkers batches may be in flight.
  concurrentSends: true,
  // Declared by httpevent: the same names declared twice would clash in the schema.
  settings: [],
  instanceKey: (sample) => settingsKey('metric_httpevent', sample, HEC_KEY_SETTINGS, true),
  create: (sample, ctx) => new HecOutput(readHecConfig('metric_httpevent', sample), ctx.log),
};

export default metricHttpevent;
