/**
 * Apps as the modular input sees them (docs/SPLUNK.md "Where configuration comes from"):
 *  - where `$SPLUNK_HOME` and each app's folder are;
 *  - which `[eventgen://…]` stanza runs which apps (so that no app generates twice);
 *  - turning splunkd's `configs/conf-eventgen` stanzas into one {@link ConfSource} per defining
 *    app, with samples in `<app>/samples` and `sampleDir` relative to `<app>/default`;
 *  - the same from the files on disk when splunkd's REST API cannot be read.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { layerConf, readConfFile } from '../conf/parser';
import type { ConfSource } from '../conf/resolve';
import type { ConfFile, ConfStanza, ConfValue, Diagnostic } from '../conf/types';
import type { ConfStanzaEntry } from './rest';

/** Our own app's id when default/app.conf cannot be read (the packaged folder name). */
export const DEFAULT_APP_ID = 'eventgen';

/**
 * `$SPLUNK_HOME`: the environment (splunkd always sets it for its children), else derived from
 * an app folder laid out as `<home>/etc/apps/<app>`.
 */
export function findSplunkHome(env: NodeJS.ProcessEnv, appDir: string): string | undefined {
  const fromEnv = env.SPLUNK_HOME?.trim();
  if (fromEnv) return fromEnv;
  const parts = resolve(appDir).split(sep);
  const i = parts.lastIndexOf('etc');
  if (i > 0 && ['apps', 'peer-apps', 'slave-apps'].includes(parts[i + 1]) && parts.length === i + 3) {
    return parts.slice(0, i).join(sep) || sep;
  }
  return undefined;
}

/**
 * The folder of an app. `etc/apps/<app>` first; indexer-cluster peers keep pushed apps in
 * `etc/peer-apps` (formerly `etc/slave-apps`); stanzas in `etc/system/local` report app `system`.
 */
export function appDirFor(splunkHome: string, app: string): string {
  if (app === 'system') return join(splunkHome, 'etc', 'system');
  const candidates = ['apps', 'peer-apps', 'slave-apps'].map((d) => join(splunkHome, 'etc', d, app));
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

/** `[package] id` of the app in `appDir` (default/ then local/ app.conf), else its folder name. */
export function readAppId(appDir: string): string {
  const conf = readLayered(appDir, 'app');
  const id = conf?.stanzas.get('package')?.settings.get('id')?.value.trim();
  if (id) return id;
  const name = basename(resolve(appDir));
  return /^[A-Za-z0-9._-]+$/.test(name) ? name : DEFAULT_APP_ID;
}

/** default/<name>.conf layered under local/<name>.conf; undefined when neither exists. */
function readLayered(appDir: string, name: string): ConfFile | undefined {
  const files = ['default', 'local'].map((d) => join(appDir, d, `${name}.conf`)).filter((f) => existsSync(f));
  if (files.length === 0) return undefined;
  return layerConf(files.map((f) => readConfFile(f).conf));
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && ['1', 'true', 't', 'yes', 'y', 'on'].includes(v.trim().toLowerCase());
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Which stanza runs which apps
// ─────────────────────────────────────────────────────────────────────────────────────────────

/** An enabled `[eventgen://NAME]` input stanza and its `apps` list (empty: unrestricted). */
export interface InputClaim {
  readonly name: string;
  readonly apps: readonly string[];
}

export interface StanzaPlan {
  /** Apps whose eventgen.conf stanzas this process runs, sorted. */
  readonly run: string[];
  /** Set when this process has nothing to run because another stanza runs it all. */
  readonly idleReason?: string;
  readonly notes: Array<{ level: 'info' | 'warn'; msg: string }>;
}

/**
 * Decides what the stanza(s) of this process run, so that enabling several stanzas never
 * generates an app's data twice:
 *  - a stanza with `apps` runs exactly those apps; when two stanzas list the same app, the first
 *    by stanza name keeps it;
 *  - a stanza without `apps` runs every app that no other enabled stanza lists; when several
 *    stanzas have no `apps`, only the first by name runs, the others stay idle.
 * `others` are the other enabled stanzas (as splunkd lists them); `available` the apps that
 * have runnable eventgen.conf stanzas.
 */
export function planStanza(me: InputClaim, others: readonly InputClaim[], available: readonly string[]): StanzaPlan {
  const notes: StanzaPlan['notes'] = [];
  const peers = others.filter((o) => o.name !== me.name);
  const avail = new Set(available);
  if (me.apps.length > 0) {
    const run: string[] = [];
    for (const app of [...new Set(me.apps)].sort()) {
      const earlier = peers.filter((o) => o.apps.includes(app) && o.name < me.name).map((o) => o.name).sort()[0];
      if (earlier) {
        notes.push({ level: 'warn', msg: `App ${app} is also listed by the enabled input ${earlier}, which runs it; ${me.name} skips it so its events are not generated twice.` });
        continue;
      }
      if (!avail.has(app)) {
        notes.push({ level: 'warn', msg: `App ${app} (in apps of ${me.name}) has no runnable eventgen.conf stanza: it is not installed, is disabled, does not export its eventgen.conf (metadata: export = system), or all its stanzas are disabled.` });
        continue;
      }
      run.push(app);
    }
    return { run, notes };
  }
  const firstUnrestricted = peers.filter((o) => o.apps.length === 0 && o.name < me.name).map((o) => o.name).sort()[0];
  if (firstUnrestricted) {
    return {
      run: [],
      idleReason: `the enabled input ${firstUnrestricted} has no apps list either and already runs every app; ${me.name} stays idle so no event is generated twice (give each input its own apps list to split the work)`,
      notes,
    };
  }
  const claimed = new Set(peers.flatMap((o) => o.apps));
  const run = [...avail].filter((a) => !claimed.has(a)).sort();
  for (const a of [...avail].filter((x) => claimed.has(x)).sort()) {
    const by = peers.filter((o) => o.apps.includes(a)).map((o) => o.name).sort()[0];
    notes.push({ level: 'info', msg: `App ${a} is run by the input ${by} (its apps list names it).` });
  }
  return { run, notes };
}

/** Enabled `[eventgen://…]` stanzas among inputs.conf stanzas read over REST. */
export function inputClaims(entries: readonly ConfStanzaEntry[], scheme: string): InputClaim[] {
  const byName = new Map<string, InputClaim>();
  for (const e of entries) {
    if (!e.name.startsWith(`${scheme}://`) || e.disabled || byName.has(e.name)) continue;
    byName.set(e.name, { name: e.name, apps: parseAppsParam(e.settings.apps) });
  }
  return [...byName.values()];
}

function parseAppsParam(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Configuration per app
// ─────────────────────────────────────────────────────────────────────────────────────────────

export interface AppSources {
  /** One source per app that defines enabled eventgen.conf stanzas (besides [global]), sorted by app. */
  readonly sources: ConfSource[];
  /** `[global]` of our own app: the defaults layered under every app's own [global]. */
  readonly baseGlobal?: ConfStanza;
  /** The apps of {@link sources}, with their folders. */
  readonly apps: Array<{ app: string; dir: string }>;
  /** Disabled stanzas that were skipped, as `<app>/<stanza>`. */
  readonly disabledStanzas: string[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Groups REST stanzas (`/servicesNS/nobody/-/configs/conf-eventgen`, one entry per defining app)
 * into one source per app. splunkd has already layered default < local and merged `[default]`
 * into every stanza, so `[default]` itself is dropped. Values have no line numbers; their origin
 * is `<app>/default/eventgen.conf`, which also makes a relative `sampleDir` resolve against the
 * app's default/ folder, as for files on disk.
 */
export function sourcesFromRest(
  entries: readonly ConfStanzaEntry[],
  ctx: { splunkHome: string; ownApp: string; disabledApps?: ReadonlySet<string> },
): AppSources {
  const byApp = new Map<string, ConfStanzaEntry[]>();
  for (const e of entries) {
    const list = byApp.get(e.app) ?? [];
    list.push(e);
    byApp.set(e.app, list);
  }
  const out: { sources: ConfSource[]; apps: Array<{ app: string; dir: string }>; disabledStanzas: string[]; diagnostics: Diagnostic[]; baseGlobal?: ConfStanza } = {
    sources: [], apps: [], disabledStanzas: [], diagnostics: [],
  };
  for (const app of [...byApp.keys()].sort()) {
    if (ctx.disabledApps?.has(app)) {
      out.diagnostics.push({ severity: 'info', message: `App ${app} is disabled; its eventgen.conf stanzas are skipped.` });
      continue;
    }
    const dir = appDirFor(ctx.splunkHome, app);
    const confFile = join(dir, 'default', 'eventgen.conf');
    const stanzas = new Map<string, ConfStanza>();
    for (const e of byApp.get(app)!) {
      if (e.name === 'default') continue;
      if (e.disabled) {
        out.disabledStanzas.push(`${app}/${e.name}`);
        continue;
      }
      if (stanzas.has(e.name)) continue; // the first occurrence wins, as in splunkd's own readers
      const origin = { file: confFile, line: 0 };
      const settings = new Map<string, ConfValue>();
      for (const [k, v] of Object.entries(e.settings)) settings.set(k, { value: v, origin });
      stanzas.set(e.name, { name: e.name, origin, settings, app });
    }
    addSource(out, app, dir, confFile, { stanzas, files: [confFile] }, ctx.ownApp);
  }
  return out;
}

/**
 * The same view built from the files, for when splunkd's REST API cannot be read: enabled apps
 * under etc/apps whose metadata exports eventgen.conf (`export = system` on `[]` or
 * `[eventgen]`, local.meta over default.meta), plus our own app; default/ under local/.
 * User-level and etc/system/local eventgen.conf files are not read.
 */
export function sourcesFromDisk(splunkHome: string, ownApp: string): AppSources {
  const out: { sources: ConfSource[]; apps: Array<{ app: string; dir: string }>; disabledStanzas: string[]; diagnostics: Diagnostic[]; baseGlobal?: ConfStanza } = {
    sources: [], apps: [], disabledStanzas: [], diagnostics: [],
  };
  const appsDir = join(splunkHome, 'etc', 'apps');
  if (!existsSync(appsDir)) return out;
  for (const name of readdirSync(appsDir).sort()) {
    const dir = join(appsDir, name);
    if (name.startsWith('.') || !statSync(dir).isDirectory()) continue;
    const app = name;
    const appConf = readLayered(dir, 'app');
    if (appConf?.stanzas.get('install')?.settings.get('state')?.value.trim().toLowerCase() === 'disabled') continue;
    if (app !== ownApp && !exportsEventgen(dir)) continue;
    const files = ['default', 'local'].map((d) => join(dir, d, 'eventgen.conf')).filter((f) => existsSync(f));
    if (files.length === 0) continue;
    const parsed = files.map((f) => readConfFile(f));
    out.diagnostics.push(...parsed.flatMap((p) => p.diagnostics));
    const conf = layerConf(parsed.map((p) => p.conf));
    const stanzas = new Map<string, ConfStanza>();
    for (const [sname, st] of conf.stanzas) {
      if (sname !== 'default' && sname !== 'global' && truthy(st.settings.get('disabled')?.value)) {
        out.disabledStanzas.push(`${app}/${sname}`);
        continue;
      }
      stanzas.set(sname, { ...st, app });
    }
    addSource(out, app, dir, files[files.length - 1], { stanzas, files: conf.files }, ownApp);
  }
  return out;
}

function exportsEventgen(appDir: string): boolean {
  const files = ['default.meta', 'local.meta'].map((f) => join(appDir, 'metadata', f)).filter((f) => existsSync(f));
  if (files.length === 0) return false;
  const meta = layerConf(files.map((f) => readConfFile(f).conf));
  const v = meta.stanzas.get('eventgen')?.settings.get('export')?.value ?? meta.stanzas.get('')?.settings.get('export')?.value;
  return v?.trim() === 'system';
}

function addSource(
  out: { sources: ConfSource[]; apps: Array<{ app: string; dir: string }>; baseGlobal?: ConfStanza },
  app: string,
  dir: string,
  confFile: string,
  conf: ConfFile,
  ownApp: string,
): void {
  if (app === ownApp) {
    // Our [global] sits under every app's [global]; our app's other stanzas run like any app's.
    const g = conf.stanzas.get('global');
    if (g) out.baseGlobal = g;
    conf.stanzas.delete('global');
  }
  const runnable = [...conf.stanzas.keys()].some((n) => n !== 'global' && n !== 'default');
  if (!runnable) return;
  out.sources.push({
    app,
    conf,
    confDir: dirname(confFile),
    confFile,
    defaultSampleDir: join(dir, 'samples'),
  });
  out.apps.push({ app, dir });
}

/** Keeps the sources (and app folders) of the given apps. */
export function restrictSources(all: AppSources, apps: readonly string[]): AppSources {
  const keep = new Set(apps);
  return {
    ...all,
    sources: all.sources.filter((s) => s.app !== undefined && keep.has(s.app)),
    apps: all.apps.filter((a) => keep.has(a.app)),
  };
}
