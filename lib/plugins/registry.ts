/**
 * The plugin registry: built-ins first, then plugins found in apps. Every plugin goes through
 * the same checks (shape, kind, API version, settings) whether it ships with eventgen or not.
 */
import type { GeneratorPlugin, OutputPlugin, Plugin, PluginKind, RaterPlugin } from './api';
import { PLUGIN_API_VERSION } from './api';
import { SettingsSchema } from '../conf/schema';

export interface PluginOrigin {
  /** `builtin`, or the app (or folder) the plugin came from. */
  readonly app: string;
  readonly file?: string;
}

export interface RegisteredPlugin<P extends Plugin = Plugin> {
  readonly plugin: P;
  readonly origin: PluginOrigin;
}

export class PluginError extends Error {}

export class PluginRegistry {
  readonly schema: SettingsSchema;
  readonly #byKind: Record<PluginKind, Map<string, RegisteredPlugin>> = { rater: new Map(), generator: new Map(), output: new Map() };
  /** Plugins that could not be registered, by kind and name when known: samples using them report this. */
  readonly failures = new Map<string, string>();
  readonly notices: string[] = [];

  constructor(schema = new SettingsSchema()) {
    this.schema = schema;
  }

  /** Checks and adds a plugin; a name already taken keeps the first one registered (reported). */
  register(candidate: unknown, origin: PluginOrigin): RegisteredPlugin {
    const p = unwrapDefault(candidate);
    const where = origin.file ? `${origin.app} (${origin.file})` : origin.app;
    const problem = checkShape(p);
    if (problem) throw new PluginError(`plugin from ${where} is not valid: ${problem}`);
    const plugin = p as Plugin;
    const map = this.#byKind[plugin.kind];
    const existing = map.get(plugin.name);
    if (existing) {
      const first = existing.origin.file ? `${existing.origin.app} (${existing.origin.file})` : existing.origin.app;
      this.notices.push(`${plugin.kind} plugin "${plugin.name}" from ${where} is ignored: the name is already taken by ${first}.`);
      return existing;
    }
    const clashes = this.schema.add(plugin.settings ?? [], `${plugin.kind} plugin ${plugin.name}`);
    for (const c of clashes) this.notices.push(`${c}; the first definition is kept.`);
    const reg = { plugin, origin };
    map.set(plugin.name, reg);
    return reg;
  }

  get(kind: 'generator', name: string): RegisteredPlugin<GeneratorPlugin> | undefined;
  get(kind: 'rater', name: string): RegisteredPlugin<RaterPlugin> | undefined;
  get(kind: 'output', name: string): RegisteredPlugin<OutputPlugin> | undefined;
  get(kind: PluginKind, name: string): RegisteredPlugin | undefined;
  get(kind: PluginKind, name: string): RegisteredPlugin | undefined {
    return this.#byKind[kind].get(name);
  }

  /** Files of plugins that came from apps, so worker threads can load the same ones. */
  pluginFiles(): Array<{ file: string; app: string }> {
    const out: Array<{ file: string; app: string }> = [];
    for (const map of Object.values(this.#byKind)) for (const r of map.values()) if (r.origin.file) out.push({ file: r.origin.file, app: r.origin.app });
    return out;
  }

  names(kind: PluginKind): string[] {
    return [...this.#byKind[kind].keys()].sort();
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

function checkShape(p: unknown): string | undefined {
  if (!p || typeof p !== 'object') return 'it does not export a plugin object (module.exports = { kind, name, apiVersion, create, … })';
  const o = p as Record<string, unknown>;
  if (o.kind !== 'rater' && o.kind !== 'generator' && o.kind !== 'output') return `kind must be "rater", "generator" or "output", not ${JSON.stringify(o.kind)}`;
  if (typeof o.name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(o.name)) return `name must be a word (letters, digits, _ . -), not ${JSON.stringify(o.name)}`;
  if (o.apiVersion !== PLUGIN_API_VERSION) return `apiVersion ${JSON.stringify(o.apiVersion)} is not supported (this eventgen supports ${PLUGIN_API_VERSION})`;
  if (typeof o.create !== 'function') return 'create(sample, ctx) is missing';
  if (o.settings !== undefined && !Array.isArray(o.settings)) return 'settings must be an array of setting definitions';
  for (const s of (o.settings as unknown[] | undefined) ?? []) {
    const d = s as Record<string, unknown>;
    if (!d || typeof d.name !== 'string' || typeof d.type !== 'string' || typeof d.doc !== 'string') return 'each setting needs name, type and doc';
  }
  if (o.kind === 'generator' && (typeof o.queueable !== 'boolean' || typeof o.needsSampleFile !== 'boolean')) return 'a generator must say queueable (true/false) and needsSampleFile (true/false)';
  if (o.kind === 'output' && (typeof o.batchSize !== 'number' || o.batchSize < 1)) return 'an output must give batchSize (events per send, at least 1)';
  if (o.kind === 'output' && o.encode !== undefined && typeof o.encode !== 'function') return 'encode must be a function';
  return undefined;
}
