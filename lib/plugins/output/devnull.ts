/** `devnull`: accepts and discards events (for measuring generation alone). */
import type { OutputPlugin } from '../api';
import { PLUGIN_API_VERSION } from '../api';
import { encodeLines } from './stdout';

const plugin: OutputPlugin = {
  kind: 'output',
  name: 'devnull',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Discards events; metrics still count them.',
  batchSize: 10000,
  instanceKey: () => 'devnull',
  // Encoding still happens, so that devnull measures the real cost of producing the bytes.
  encode: encodeLines,
  create: () => ({ send: () => undefined }),
};
export default plugin;
