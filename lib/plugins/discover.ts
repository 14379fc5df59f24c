/**
 * Finding plugins shipped by apps. As in the original (eventgen-reference §b), the name used in
 * `generator =`, `rater =` or `outputMode =` is the plugin's name. Two places are searched in
 * each app folder:
 *
 * - every module in `<app>/lib/plugins/<kind>/` (`*.js`, `*.cjs`; names starting with `_` or `.`
 *   are skipped);
 * - `<app>/bin/<name>.js` (or `.cjs`), only for names some stanza asks for and that are not
 *   registered yet. Nothing else in bin/ is executed: it also holds other scripts (ours too).
 *
 * Order, which decides who keeps a name two plugins share (PLUGINS.md, "Name clashes"):
 * built-ins first; then the apps sorted by folder name in plain byte order (A–Z before a–z, as
 * Splunk orders apps); within one app, lib/plugins/generator/, rater/, output/ (files sorted by
 * name), then bin/. The first plugin registered under a name keeps it; every later one is
 * reported with both origins. A file that fails to load or breaks the rules is reported with
 * its app and path; only the samples that ask for that name stop.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { PluginKind } from './api';
import { describeOrigin, KIND_SETTING, PLUGIN_KINDS as KINDS, PluginError, type PluginRegistry } from './registry';
import type { ConfSource } from '../conf/resolve';
import type { Diagnostic } from '../conf/types';

const EXTENSIONS = ['.js', '.cjs'];

export interface AppDir {
  /** The app's name (its folder name under etc/apps), used in messages and for ordering. */
  readonly app: string;
  readonly dir: string;
}

/** Plugin names a set of conf sources asks for, by kind ([global] included). */
export function requestedPlugins(sources: readonly ConfSource[]): Record<PluginKind, Set<string>> {
  const out: Record<PluginKind, Set<string>> = { generator: new Set(), rater: new Set(), output: new Set() };
  for (const src of sources) {
    for (const st of src.conf.stanzas.values()) {
      for (const kind of KINDS) {
        const v = st.settings.get(KIND_SETTING[kind])?.value.trim();
        if (v) out[kind].add(v);
      }
    }
  }
  return out;
}

/** Plain byte order of app names: deterministic whatever the locale. */
function byName(a: AppDir, b: AppDir): number {
  return a.app < b.app ? -1 : a.app > b.app ? 1 : a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0;
}

/**
 * Loads the plugins of the given apps into the registry (see the order above); returns what
 * went wrong, per file. Name clashes are recorded in registry.notices / registry.clashes. `wanted` decides which bin/<name>.js files are looked at;
 * more names can be added later (an override on the command line) by calling it again.
 */
export function discoverPlugins(registry: PluginRegistry, apps: readonly AppDir[], wanted: Record<PluginKind, Set<string>>): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const seen = new Set<string>();
  const sorted = [...apps].sort(byName).filter((a) => {
    const key = resolve(a.dir);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  for (const { app, dir } of sorted) {
    for (const kind of KINDS) {
      const folder = join(dir, 'lib', 'plugins', kind);
      if (!isDir(folder)) continue;
      for (const f of readdirSync(folder).sort()) {
        if (!EXTENSIONS.some((e) => f.endsWith(e)) || f.startsWith('_') || f.startsWith('.')) continue;
        load(registry, join(folder, f), app, kind, diags);
      }
    }
    for (const kind of KINDS) {
      for (const name of [...wanted[kind]].sort()) {
        const file = EXTENSIONS.map((e) => join(dir, 'bin', name + e)).find((p) => existsSync(p));
        if (!file) continue;
        const have = registry.get(kind, name);
        if (have) {
          // Not executed (bin/ files run only when needed), but the shadowing is worth saying.
          if (have.origin.file !== file) {
            diags.push({ severity: 'warning', file, message: `[app ${app}] bin/${basename(file)} is not loaded: ${kind} "${name}" is already provided by ${describeOrigin(have.origin)}.` });
          }
          continue;
        }
        load(registry, file, app, kind, diags);
        const got = registry.get(kind, name);
        if (!got && !registry.failures.has(`${kind}:${name}`)) {
          registry.fail(kind, name, `${kind} "${name}": app ${app} has bin/${basename(file)}, but it does not declare a ${kind} named "${name}"`);
        }
      }
    }
  }
  // Name clashes are in registry.notices (and registry.clashes), next to the built-ins' own.
  return diags;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
  return String(m).split('\n')[0];
}

/** The name a module declares, if it can be read without trusting the module. */
function declaredName(mod: unknown): string | undefined {
  let v = mod as { name?: unknown; default?: unknown } | undefined;
  if (v && typeof v === 'object' && v.name === undefined && v.default && typeof v.default === 'object') v = v.default as typeof v;
  return typeof v?.name === 'string' ? v.name : undefined;
}

function load(registry: PluginRegistry, file: string, app: string, expected: PluginKind, diags: Diagnostic[]): void {
  const fromFile = basename(file).replace(/\.c?js$/, '');
  let mod: unknown;
  try {
    mod = require(file);
  } catch (e) {
    const why = `${expected} "${fromFile}" from app ${app} (${file}) failed to load: ${firstLine(e)}`;
    registry.fail(expected, fromFile, why);
    diags.push({ severity: 'error', file, message: `[app ${app}] plugin file could not be loaded: ${firstLine(e)}. Samples that use "${fromFile}" will not run.` });
    return;
  }
  const name = declaredName(mod) ?? fromFile;
  try {
    const reg = registry.register(mod, { app, file });
    if (reg.plugin.kind !== expected && reg.origin.file === file) {
      diags.push({ severity: 'warning', file, message: `[app ${app}] ${reg.plugin.kind} plugin "${reg.plugin.name}" found where a ${expected} was expected; it is registered as a ${reg.plugin.kind}.` });
    }
  } catch (e) {
    if (!(e instanceof PluginError)) throw e;
    registry.fail(expected, name, e.message);
    if (name !== fromFile) registry.fail(expected, fromFile, e.message);
    diags.push({ severity: 'error', file, message: `[app ${app}] ${e.message}. Samples that use "${name}" will not run.` });
  }
}

/**
 * Splunk mode: the app folders under `$SPLUNK_HOME/etc/apps` (or any folder of apps), for
 * discoverPlugins(). Hidden folders are skipped.
 */
export function appDirsUnder(appsRoot: string): AppDir[] {
  if (!isDir(appsRoot)) return [];
  return readdirSync(appsRoot)
    .filter((name) => !name.startsWith('.') && isDir(join(appsRoot, name)))
    .map((name) => ({ app: name, dir: join(appsRoot, name) }));
}

/**
 * Splunk mode: plugins from many apps for the stanzas of many conf sources (the modular input
 * calls this with every app folder that may hold plugins, usually appDirsUnder(etc/apps)).
 */
export function discoverAppPlugins(registry: PluginRegistry, apps: readonly AppDir[], sources: readonly ConfSource[], extraWanted: Partial<Record<PluginKind, readonly string[]>> = {}): Diagnostic[] {
  const wanted = requestedPlugins(sources);
  for (const kind of KINDS) for (const n of extraWanted[kind] ?? []) wanted[kind].add(n);
  return discoverPlugins(registry, apps, wanted);
}

/** The app folder a standalone conf source belongs to: the parent of default/ or local/, else the conf's own folder. */
export function standaloneAppDir(source: ConfSource): AppDir {
  const confDir = source.confDir;
  const appDir = ['default', 'local'].includes(basename(confDir)) ? join(confDir, '..') : confDir;
  return { app: source.app ?? basename(resolve(appDir)), dir: resolve(appDir) };
}

/**
 * Standalone: the app folder of the config (or the config's own folder). `extraWanted` adds
 * names asked for outside the conf (the CLI's --output).
 */
export function discoverStandalonePlugins(registry: PluginRegistry, source: ConfSource, extraWanted: Partial<Record<PluginKind, readonly string[]>> = {}): Diagnostic[] {
  return discoverAppPlugins(registry, [standaloneAppDir(source)], [source], extraWanted);
}
