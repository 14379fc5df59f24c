/**
 * The plugins that ship with eventgen, registered through the same checks as any other.
 *
 * Each is loaded when it is registered: the main thread registers them all (it validates every
 * stanza and writes the spec), a worker thread only those its samples use — the network
 * outputs, nunjucks and the rest would add ≈100 ms to every thread's start.
 */
import type { PluginKind } from './api';
import { PluginError, PluginRegistry } from './registry';

/** Kind, name and module of each built-in; the name must be the one the module's plugin declares. */
const BUILTINS: ReadonlyArray<readonly [PluginKind, string, () => unknown]> = [
  ['generator', 'default', () => require('./generator/default')],
  ['rater', 'config', () => require('./rater/config')],
  ['generator', 'replay', () => require('./generator/replay')],
  ['generator', 'perdayvolumegenerator', () => require('./generator/perdayvolume')],
  ['generator', 'windbag', () => require('./generator/windbag')],
  ['generator', 'counter', () => require('./generator/counter')],
  ['generator', 'jinja', () => require('./generator/jinja')],
  ['rater', 'perdayvolume', () => require('./rater/perdayvolume')],
  ['rater', 'counter', () => require('./rater/counter')],
  ['output', 'stdout', () => require('./output/stdout')],
  ['output', 'devnull', () => require('./output/devnull')],
  ['output', 'file', () => require('./output/file')],
  ['output', 'spool', () => require('./output/spool')],
  ['output', 'modinput', () => require('./output/modinput')],
  ['output', 'httpevent', () => require('./output/net/httpevent')],
  ['output', 'metric_httpevent', () => require('./output/net/metric_httpevent')],
  ['output', 'syslogout', () => require('./output/net/syslogout')],
  ['output', 'tcpout', () => require('./output/net/tcpout')],
  ['output', 'udpout', () => require('./output/net/udpout')],
  ['output', 'splunkstream', () => require('./output/net/splunkstream')],
];

/** Every built-in, or only those `wanted` accepts (a worker thread: the ones its samples use). */
export function builtinRegistry(wanted?: (kind: PluginKind, name: string) => boolean): PluginRegistry {
  const reg = new PluginRegistry();
  for (const [kind, name, load] of BUILTINS) {
    if (wanted && !wanted(kind, name)) continue;
    const { plugin } = reg.register(load(), { app: 'builtin' });
    if (plugin.kind !== kind || plugin.name !== name) throw new PluginError(`built-in ${kind} "${name}" declares itself as ${plugin.kind} "${plugin.name}"`);
  }
  return reg;
}
