/**
 * `outputMode = metric_httpevent`: metrics to HEC, like the original. Each event's `_raw` is a JSON
 * document whose `fields` object (e.g. `{"metric_name:cpu.idle": 97, "region": "eu"}`) is sent as
 * `{"event":"metric","fields":{…}}` with the event's time and metadata. Same servers, settings and
 * delivery as httpevent (whose plugin registers the shared settings).
 */
import { PLUGIN_API_VERSION, type OutputPlugin } from '../../api';
import { readerCheck, settingsKey } from './internal/common';
import { encodeHecBatch } from './internal/hec-format';
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
  // On the generator worker threads: the metric objects and their sizes (an event that is not a
  // metric is named in the result, and send() fails the batch with that message).
  encode: (events) => encodeHecBatch(events, 'metric'),
  instanceKey: (sample) => settingsKey('metric_httpevent', sample, HEC_KEY_SETTINGS, true),
  check: readerCheck('metric_httpevent', (sample) => readHecConfig('metric_httpevent', sample)),
  create: (sample, ctx) => new HecOutput(readHecConfig('metric_httpevent', sample), ctx.log),
};

export default metricHttpevent;
