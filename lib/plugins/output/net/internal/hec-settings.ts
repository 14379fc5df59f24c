/**
 * Settings the HEC outputs add to the schema, on top of the core httpevent* ones in
 * lib/conf/settings.ts. Declared once here and registered by `httpevent`; `metric_httpevent`
 * reads the same names (declaring them twice would be a clash in the schema).
 */
import type { SettingDef } from '../../../../conf/types';

const GROUP = 'Output: httpevent / metric_httpevent (Splunk HEC)';

function def(name: string, type: SettingDef['type'], dflt: unknown, doc: string, extra: Partial<SettingDef> = {}): SettingDef {
  return { name, type, default: dflt, inherit: true, group: GROUP, doc, ...extra };
}

export const HEC_SETTINGS: readonly SettingDef[] = [
  def('httpeventEndpoint', 'enum', 'event', 'event: JSON events to /services/collector/event; raw: event lines to /services/collector/raw with the metadata in the query string.', { values: ['event', 'raw'] }),
  def('httpeventGzip', 'bool', false, 'Compress request bodies with gzip (Content-Encoding: gzip); httpeventMaxPayloadSize still counts uncompressed bytes.'),
  def('httpeventUseAck', 'bool', false, 'Indexer acknowledgement: count a batch delivered only once HEC acknowledges it, and send it again if it does not (the token needs useACK = true).'),
  def('httpeventAckTimeout', 'float', 60, 'Seconds to wait for an acknowledgement before the batch is sent again.', { min: 0.01 }),
  def('httpeventAckPollInterval', 'float', 1, 'Seconds between two acknowledgement queries to a server.', { min: 0.01 }),
  def('httpeventTimeout', 'float', 30, 'Seconds allowed for one HEC request, connecting included.', { min: 0.01 }),
  def('httpeventServerBackoff', 'float', 30, 'Seconds a server stays out of rotation after httpeventAllowFailureCount consecutive failures.', { min: 0 }),
  def('httpeventSslVerify', 'bool', true, 'Verify the TLS certificate and host name of https servers; false accepts any certificate (the original never verified).'),
  def('httpeventCaFile', 'path', undefined, 'PEM file of CA certificates trusted for https servers, in addition to the bundled ones; relative paths resolve against the conf file\'s folder.'),
];

/** Every setting that shapes a HEC client: samples that agree on all of them share one instance. */
export const HEC_KEY_SETTINGS: readonly string[] = [
  'httpeventServers',
  'httpeventOutputMode',
  'httpeventMaxPayloadSize',
  'httpeventWaitResponse',
  'httpeventAllowFailureCount',
  ...HEC_SETTINGS.map((d) => d.name),
];
