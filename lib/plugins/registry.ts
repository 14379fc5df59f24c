/**
 * The plugin registry: built-ins first, then plugins found in apps (discover.ts). Every plugin
 * goes through the same checks (shape, kind, API version, settings) whether it ships with
 * eventgen or not, and the first plugin registered under a name keeps it; later ones are
 * reported as clashes, never silently dropped.
 *
 * A registered plugin's create() is wrapped so that an exception names the plugin, its app and
 * its file: "generator plugin "weblog" from app acme (/…/bin/weblog.js): <message>".
 */
import type { GeneratorPlugin, OutputPlugin, Plugin, PluginKind, RaterPlugin } from './api';
import { PLUGIN_API_VERSION } from './api';
import { SettingsSchema } from '../conf/schema';
import type { SettingDef } from '../conf/types';

export const PLUGIN_KINDS: readonly PluginKind[] = ['generator', 'rater', 'output'];

/** The eventgen.conf setting that chooses a plugin of each kind. */
export const KIND_SETTING: Readonly<Record<PluginKind, string>> = { generator: 'generator', rater: 'rater', output: 'outputMode' };

export interface PluginOrigin {
  /** `builtin`, or the app (or folder) the plugin came from. */
  readonly app: string;
  readonly file?: string;
}

export interface RegisteredPlugin<P extends Plugin = Plugin> {
  readonly plugin: P;
  readonly origin: PluginOrigin;
}

/** A name taken twice: who kept it and who was ignored. */
export interface PluginClash {
  readonly kind: PluginKind;
  readonly name: string;
  readonly kept: PluginOrigin;
  readonly ignored: PluginOrigin;
}

export class PluginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginError';
  }
}

/** "app acme (/path/bin/x.js)", or "builtin". */
export function describeOrigin(o: PluginOrigin): string {
  if (o.app === 'builtin') return 'builtin';
  return o.file ? `app ${o.app} (${o.file})` : `app ${o.app}`;
}

const origins = new WeakMap<object, PluginOrigin>();
/** Where a registered plugin came from (outputs and executors use it in messages). */
export function originOf(plugin: object): PluginOrigin | undefined {
  return origins.get(plugin);
}

export class PluginRegistry {
  readonly schema: SettingsSchema;
  readonly #byKind: Record<PluginKind, Map<string, RegisteredPlugin>> = { rater: new Map(), generator: new Map(), output: new Map() };
  /** Files registered from apps, in registration order (worker threads replay it). */
  readonly #files: Array<{ file: string; app: string }> = [];
  /** Plugins that could not be registered, keyed `<kind>:<name>`: samples using them report this. */
  readonly failures = new Map<string, string>();
  /** Human-readable notices (clashes, setting clashes), also reported as warnings. */
  readonly notices: string[] = [];
  readonly clashes: PluginClash[] = [];

  constructor(schema = new SettingsSchema()) {
    this.schema = schema;
  }

  /** Checks and adds a plugin; a name already taken keeps the first one registered (reported). */
  register(candidate: unknown, origin: PluginOrigin): RegisteredPlugin {
    const p = unwrapDefault(candidate);
    const where = describeOrigin(origin);
    const problem = checkShape(p);
    if (problem) throw new PluginError(`plugin from ${where} is not valid: ${problem}`);
    const plugin = p as Plugin;
    const map = this.#byKind[plugin.kind];
    const existing = map.get(plugin.name);
    if (existing) {
      if (existing.origin.file === origin.file && existing.origin.app === origin.app && origin.file !== undefined) return existing;
      this.clashes.push({ kind: plugin.kind, name: plugin.name, kept: existing.origin, ignored: origin });
      this.notices.push(`${plugin.kind} plugin "${plugin.name}" from ${where} is ignored: the name is already taken by ${describeOrigin(existing.origin)}.`);
      return existing;
    }
    const defs = normaliseSettings(plugin);
    const clashes = this.schema.add(defs, `${plugin.kind} plugin ${plugin.name}`);
    for (const c of clashes) this.notices.push(`${c}; the first definition is kept.`);
    // Built-ins keep their identity (and their own messages); app plugins get the wrapper.
    const reg = { plugin: origin.app === 'builtin' ? plugin : wrapCreate(plugin, origin), origin };
    origins.set(reg.plugin, origin);
    map.set(plugin.name, reg);
    this.failures.delete(`${plugin.kind}:${plugin.name}`);
    if (origin.file) this.#files.push({ file: origin.file, app: origin.app });
    return reg;
  }

  get(kind: 'generator', name: string): RegisteredPlugin<GeneratorPlugin> | undefined;
  get(kind: 'rater', name: string): RegisteredPlugin<RaterPlugin> | undefined;
  get(kind: 'output', name: string): RegisteredPlugin<OutputPlugin> | undefined;
  get(kind: PluginKind, name: string): RegisteredPlugin | undefined;
  get(kind: PluginKind, name: string): RegisteredPlugin | undefined {
    return this.#byKind[kind].get(name);
  }

  /** Files of plugins that came from apps, in registration order, so worker threads load the same ones. */
  pluginFiles(): Array<{ file: string; app: string }> {
    return [...this.#files];
  }

  names(kind: PluginKind): string[] {
    return [...this.#byKind[kind].keys()].sort();
  }

  /** Records why a plugin name cannot be used (load failure), unless one was registered meanwhile. */
  fail(kind: PluginKind, name: string, why: string): void {
    if (!this.#byKind[kind].has(name) && !this.failures.has(`${kind}:${name}`)) this.failures.set(`${kind}:${name}`, why);
  }

  /**
   * Whether stanzas using this generator need a sample file. A generator that failed to load is
   * treated as fileless, so its stanzas reach the engine and fail with the load error itself
   * rather than a misleading "no sample file matches"; unknown names need a file.
   */
  generatorNeedsFile(name: string): boolean {
    const g = this.get('generator', name);
    if (g) return g.plugin.needsSampleFile ?? true;
    return !this.failures.has(`generator:${name}`);
  }

  /** Why a plugin name cannot be used, in words for the user. */
  explainMissing(kind: PluginKind, name: string): string {
    const failed = this.failures.get(`${kind}:${name}`);
    if (failed) return failed;
    return `unknown ${kind} "${name}"; available: ${this.names(kind).join(', ')}`;
  }
}

function unwrapDefault(m: unknown): unknown {
  let v = m;
  // ESM/CJS interop nests the manifest under `default`, sometimes twice.
  for (let i = 0; i < 2 && v && typeof v === 'object' && 'default' in v && !('kind' in v); i++) v = (v as { default: unknown }).default;
  return v;
}

/** Plain-JS plugins may leave out group and inherit: settings are per-sample and grouped under the plugin. */
function normaliseSettings(plugin: Plugin): SettingDef[] {
  return (plugin.settings ?? []).map((d: Partial<SettingDef> & Pick<SettingDef, 'name' | 'type' | 'doc'>) => ({ ...d, inherit: d.inherit ?? true, group: d.group ?? `${plugin.kind} plugin ${plugin.name}` }));
}

/** The same plugin, with create() errors that say which plugin, app and file failed. */
function wrapCreate<P extends Plugin>(plugin: P, origin: PluginOrigin): P {
  const create = plugin.create as (...args: unknown[]) => unknown;
  const wrapped = Object.create(plugin) as P & { create: (...args: unknown[]) => unknown };
  Object.defineProperty(wrapped, 'create', {
    enumerable: true,
    value: function (this: unknown, ...args: unknown[]) {
      try {
        return create.apply(plugin, args);
      } catch (e) {
        if (e instanceof Error) e.message = `${plugin.kind} plugin "${plugin.name}" from ${describeOrigin(origin)}: ${e.message}`;
        throw e;
      }
    },
  });
  return wrapped;
}

const SETTING_TYPES = new Set(['string', 'int', 'float', 'bool', 'json', 'enum', 'timestr', 'path', 'regex']);

function checkShape(p: unknown): string | undefined {
  if (!p || typeof p !== 'object') return 'it does not export a plugin object (module.exports = { kind, name, apiVersion, create, … })';
  const o = p as Record<string, unknown>;
  if (o.kind !== 'rater' && o.kind !== 'generator' && o.kind !== 'output') return `kind must be "rater", "generator" or "output", not ${JSON.stringify(o.kind)}`;
  if (typeof o.name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(o.name)) return `name must be a word (letters, digits, _ . -), not ${JSON.stringify(o.name)}`;
  if (o.apiVersion !== PLUGIN_API_VERSION) return `apiVersion ${JSON.stringify(o.apiVersion)} is not supported (this eventgen supports ${PLUGIN_API_VERSION})`;
  if (typeof o.create !== 'function') return 'create(sample, ctx) is missing';
  if (o.check !== undefined && typeof o.check !== 'function') return 'check must be a function (check(sample) returns the problems of its settings)';
  if (o.settings !== undefined && !Array.isArray(o.settings)) return 'settings must be an array of setting definitions';
  for (const s of (o.settings as unknown[] | undefined) ?? []) {
    const d = s as Record<string, unknown>;
    if (!d || typeof d.name !== 'string' || typeof d.type !== 'string' || typeof d.doc !== 'string') return 'each setting needs name, type and doc';
    if (!SETTING_TYPES.has(d.type)) return `setting ${d.name}: type must be one of ${[...SETTING_TYPES].join(', ')}, not ${JSON.stringify(d.type)}`;
    if (d.type === 'enum' && !Array.isArray(d.values)) return `setting ${d.name}: an enum needs values: [...]`;
  }
  if (o.kind === 'generator' && (typeof o.queueable !== 'boolean' || typeof o.needsSampleFile !== 'boolean')) return 'a generator must say queueable (true/false) and needsSampleFile (true/false)';
  if (o.kind === 'output' && (typeof o.batchSize !== 'number' || o.batchSize < 1)) return 'an output must give batchSize (events per send, at least 1)';
  if (o.kind === 'output' && o.encode !== undefined && typeof o.encode !== 'function') return 'encode must be a function';
  if (o.kind === 'output' && o.concurrentSends !== undefined && typeof o.concurrentSends !== 'boolean') return 'concurrentSends must be true or false';
  return undefined;
}
