/** The plugins that ship with eventgen, registered through the same checks as any other. */
import type { Plugin } from './api';
import { PluginRegistry } from './registry';
import defaultGenerator from './generator/default';
import configRater from './rater/config';
import replayGenerator from './generator/replay';
import perDayVolumeGenerator from './generator/perdayvolume';
import windbagGenerator from './generator/windbag';
import counterGenerator from './generator/counter';
import jinjaGenerator from './generator/jinja';
import perDayVolumeRater from './rater/perdayvolume';
import counterRater from './rater/counter';
import stdoutOutput from './output/stdout';
import devnullOutput from './output/devnull';
import fileOutput from './output/file';
import spoolOutput from './output/spool';
import modinputOutput from './output/modinput';
import httpeventOutput from './output/net/httpevent';
import metricHttpeventOutput from './output/net/metric_httpevent';
import syslogOutput from './output/net/syslogout';
import tcpOutput from './output/net/tcpout';
import udpOutput from './output/net/udpout';
import splunkstreamOutput from './output/net/splunkstream';

export const BUILTIN_PLUGINS: readonly Plugin[] = [
  defaultGenerator,
  configRater,
  replayGenerator,
  perDayVolumeGenerator,
  windbagGenerator,
  counterGenerator,
  jinjaGenerator,
  perDayVolumeRater,
  counterRater,
  stdoutOutput,
  devnullOutput,
  fileOutput,
  spoolOutput,
  modinputOutput,
  httpeventOutput,
  metricHttpeventOutput,
  syslogOutput,
  tcpOutput,
  udpOutput,
  splunkstreamOutput,
];

export function builtinRegistry(): PluginRegistry {
  const reg = new PluginRegistry();
  for (const p of BUILTIN_PLUGINS) reg.register(p, { app: 'builtin' });
  return reg;
}
