/**
 * Where standalone configuration comes from: an eventgen.conf file, or an app folder
 * (default/eventgen.conf layered under local/eventgen.conf, samples in <app>/samples),
 * or the name of an app under $SPLUNK_HOME/etc/apps.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { layerConf, readConfFile } from './parser';
import type { ConfSource } from './resolve';
import type { Diagnostic } from './types';

export class ConfigNotFoundError extends Error {}

export function loadStandaloneSource(target: string): { source: ConfSource; diagnostics: Diagnostic[] } {
  let path = resolve(target);
  if (!existsSync(path) && process.env.SPLUNK_HOME && !target.includes('/')) {
    const app = join(process.env.SPLUNK_HOME, 'etc', 'apps', target);
    if (existsSync(app)) path = app;
  }
  if (!existsSync(path)) throw new ConfigNotFoundError(`${target}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    const layers = ['default', 'local'].map((d) => join(path, d, 'eventgen.conf')).filter((f) => existsSync(f));
    if (layers.length === 0) {
      const flat = join(path, 'eventgen.conf');
      if (existsSync(flat)) return fromFile(flat);
      throw new ConfigNotFoundError(`${target}: no default/eventgen.conf, local/eventgen.conf or eventgen.conf in this folder`);
    }
    const parsed = layers.map((f) => readConfFile(f));
    return {
      source: { app: basename(path), conf: layerConf(parsed.map((p) => p.conf)), confDir: dirname(layers[0]), confFile: layers[layers.length - 1], defaultSampleDir: join(path, 'samples') },
      diagnostics: parsed.flatMap((p) => p.diagnostics),
    };
  }
  return fromFile(path);
}

function fromFile(file: string): { source: ConfSource; diagnostics: Diagnostic[] } {
  const { conf, diagnostics } = readConfFile(file);
  const dir = dirname(file);
  // As in the original: a conf inside an app's default/ finds the app's samples/ beside it.
  const candidates = [join(dir, '..', 'samples'), join(dir, 'samples')];
  const defaultSampleDir = resolve(candidates.find((c) => existsSync(c)) ?? dir);
  return { source: { conf, confDir: dir, confFile: file, defaultSampleDir }, diagnostics };
}
