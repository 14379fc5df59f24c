/**
 * Finding plugins shipped by apps. Like the original (eventgen-reference §b), a plugin named in
 * `generator =`, `rater =` or `outputMode =` that is not built in is looked up as
 * `<app>/bin/<name>.js`; and every module in `<app>/lib/plugins/<kind>/` is loaded. Only those
 * files are executed: bin/ also holds other scripts (ours among them) that must not be run.
 *
 * Order, when two plugins share a name: built-ins, then apps in alphabetical order, and within
 * an app lib/plugins/<kind>/ before bin/. The first one wins; the others are reported.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PluginKind } from './api';
import { PluginError, type PluginRegistry } from './registry';
import type { ConfSource } from '../conf/resolve';
import type { Diagnostic } from '../conf/types';

const KINDS: readonly PluginKind[] = ['generator', 'rater', 'output'];
const SETTING_FOR: Record<PluginKind, string> = { generator: 'generator', rater: 'rater', output: 'outputMode' };
const EXTENSIONS = ['.js', '.cjs'];

export interface AppDir {
  readonly app: string;
  readonly dir: string;
}

/** Plugin names a set of conf sources asks for, by kind. */
export function requestedPlugins(sources: readonly ConfSource[]): Record<PluginKind, Set<string>> {
  const out: Record<PluginKind, Set<string>> = { generator: new Set(), rater: new Set(), output: new Set() };
  for (const src of sources) {
    for (const st of src.conf.stanzas.values()) {
      for (const kind of KINDS) {
        const v = st.settings.get(SETTING_FOR[kind])?.value.trim();
        if (v) out[kind].add(v);
      }
    }
  }
  return out;
}

/** Loads the plugins of the given apps into the registry; returns what went wrong, per file. */
export function discoverPlugins(registry: PluginRegistry, apps: readonly AppDir[], wanted: Record<PluginKind, Set<string>>): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const sorted = [...apps].sort((a, b) => a.app.localeCompare(b.app));
  for (const { app, dir } of sorted) {
    for (const kind of KINDS) {
      const folder = join(dir, 'lib', 'plugins', kind);
      if (!existsSync(folder)) continue;
      for (const f of readdirSync(folder).sort()) {
        if (!EXTENSIONS.some((e) => f.endsWith(e)) || f.startsWith('_') || f.startsWith('.')) continue;
        load(registry, join(folder, f), app, kind, diags);
      }
    }
  }
  for (const kind of KINDS) {
    for (const name of wanted[kind]) {
      if (registry.get(kind, name)) continue;
      for (const { app, dir } of sorted) {
        const file = EXTENSIONS.map((e) => join(dir, 'bin', name + e)).find((p) => existsSync(p));
        if (!file) continue;
        load(registry, file, app, kind, diags);
        if (registry.get(kind, name)) break;
      }
    }
  }
  return diags;
}

function load(registry: PluginRegistry, file: string, app: string, expected: PluginKind, diags: Diagnostic[]): void {
  const nameGuess = basename(file).replace(/\.[cm]?js$/, '');
  let mod: unknown;
  try {
    mod = require(file);
  } catch (e) {
    const msg = `plugin file could not be loaded: ${(e as Error).message.split('\n')[0]}. Samples using "${nameGuess}" will not run.`;
    registry.failures.set(`${expected}:${nameGuess}`, `${expected} "${nameGuess}" from app ${app} (${file}) failed to load: ${(e as Error).message.split('\n')[0]}`);
    diags.push({ severity: 'error', file, message: `[app ${app}] ${msg}` });
    return;
  }
  try {
    const reg = registry.register(mod, { app, file });
    if (reg.plugin.kind !== expected && !file.includes(`${join('bin', '')}`)) {
      diags.push({ severity: 'warning', file, message: `[app ${app}] ${reg.plugin.kind} plugin "${reg.plugin.name}" found in the ${expected} folder.` });
    }
  } catch (e) {
    if (!(e instanceof PluginError)) throw e;
    registry.failures.set(`${expected}:${nameGuess}`, e.message);
    diags.push({ severity: 'error', file, message: `[app ${app}] ${e.message}` });
  }
}

/** Standalone: the app folder of the config (or the config's own folder). */
export function discoverStandalonePlugins(registry: PluginRegistry, source: ConfSource): Diagnostic[] {
  const confDir = source.confDir;
  const parent = join(confDir, '..');
  const appDir = ['default', 'local'].includes(basename(confDir)) ? parent : confDir;
  return discoverPlugins(registry, [{ app: source.app ?? basename(appDir), dir: appDir }], requestedPlugins([source]));
}
