/**
 * `spool`: appends raw events to spoolDir/spoolFile (by default Splunk's spool folder and the
 * sample's file name), where splunkd's batch input picks them up.
 */
import { resolve, join } from 'node:path';
import type { OutputPlugin, SampleSpec } from '../api';
import { PermanentError, PLUGIN_API_VERSION } from '../api';
import { encodeRawLines, RotatingFile } from './file';
import { expandVars } from '../../util/paths';
import { checkByReading } from '../check';

function spoolPath(sample: SampleSpec): string {
  const dir = expandVars(String(sample.settings.spoolDir ?? '').trim());
  if (dir.includes('$')) throw new PermanentError(`spoolDir = ${JSON.stringify(sample.settings.spoolDir)} uses an unset environment variable (is SPLUNK_HOME set?)`, { setting: 'spoolDir' });
  return resolve(join(dir, String(sample.settings.spoolFile)));
}

const plugin: OutputPlugin = {
  kind: 'output',
  name: 'spool',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Appends events to a file in Splunk\'s spool folder.',
  batchSize: 5000,
  encode: encodeRawLines,
  instanceKey: (sample) => `spool:${spoolPath(sample)}`,
  check: checkByReading(spoolPath),
  create: (sample) => new RotatingFile(spoolPath(sample), 0, 0),
};
export default plugin;
