/**
 * From parsed eventgen.conf stanzas to resolved samples, following the original's rules
 * (eventgen-reference §a.2) with the deliberate differences listed in docs/COMPATIBILITY.md:
 *  - `[default]` merges into every stanza (Splunk's layering) and `[global]` supplies defaults
 *    for every sample setting;
 *  - a stanza whose name, as a regex, fully matches another stanza's name lends it its
 *    unset settings and appends its tokens (the `[.*]` idiom);
 *  - stanza names are regexes matched against whole file names in sampleDir; when several
 *    stanzas select one file, the exact name or else the longest pattern wins and the others
 *    fill what it leaves unset;
 *  - a stanza that selects no file still runs when its generator needs no sample.
 * Every problem becomes a Diagnostic; a stanza with an error is dropped, the others go on.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { SampleSpec, TokenSpec } from '../plugins/api';
import { HOST_TOKEN_SETTING, REPLACEMENT_TYPES, SPLUNK_METADATA_KEY, TOKEN_SETTING, type ReplacementType } from './settings';
import type { SettingsSchema } from './schema';
import type { ConfFile, ConfStanza, ConfValue, Diagnostic, Origin } from './types';
import { compileFullMatch } from '../tokens/pyregex';
import { expandVars } from '../util/paths';

/** One app's (or one file's) stanzas, with where its samples live. */
export interface ConfSource {
  readonly app?: string;
  readonly conf: ConfFile;
  /** Folder that relative sampleDir values resolve against (the conf file's folder). */
  readonly confDir: string;
  readonly confFile: string;
  /** sampleDir when the stanza sets none (the app's samples/). */
  readonly defaultSampleDir: string;
}

export interface ResolveOptions {
  readonly schema: SettingsSchema;
  /** Tells whether a generator can run without a sample file (unknown names: true). */
  readonly generatorNeedsFile: (name: string) => boolean;
  /** Applied over every stanza after resolution (CLI -c, -i, -b, -e, --output). */
  readonly overrides?: Readonly<Record<string, string>>;
  /** Keep only stanzas with this exact name. */
  readonly onlyStanza?: string;
  /** [global] from the engine's own app, layered under each source's [global] (Splunk mode). */
  readonly baseGlobal?: ConfStanza;
}

export interface ResolveResult {
  readonly samples: SampleSpec[];
  readonly diagnostics: Diagnostic[];
  /** Engine settings read from [global]. */
  readonly engine: Record<string, unknown>;
  /** Per sample id: where each of its settings was written, so later checks can name the line. */
  readonly origins: ReadonlyMap<string, SampleOrigins>;
}

/** The line of a sample's stanza, and the value (with its line) that won for each setting. */
export interface SampleOrigins {
  readonly stanza: Origin;
  readonly settings: ReadonlyMap<string, ConfValue>;
}

interface Candidate {
  stanza: ConfStanza;
  regex?: RegExp;
  /** Settings after [default] and regex-stanza merging (before [global]). */
  settings: Map<string, ConfValue>;
  /** Keys the stanza itself set (they are never overridden by other matching stanzas). */
  explicit: Set<string>;
  tokens: TokenDraft[];
  failed: boolean;
}

interface TokenDraft {
  parts: Partial<Record<'token' | 'replacementType' | 'replacement', ConfValue>>;
  n: number;
  stanza: string;
}

export function resolveSamples(sources: readonly ConfSource[], opts: ResolveOptions): ResolveResult {
  const diagnostics: Diagnostic[] = [];
  const samples: SampleSpec[] = [];
  const engine: Record<string, unknown> = {};
  const origins = new Map<string, SampleOrigins>();
  const ids = new Set<string>();
  for (const src of sources) {
    for (const { spec, where } of resolveSource(src, opts, diagnostics, engine)) {
      let id = spec.id;
      for (let i = 2; ids.has(id); i++) id = `${spec.id}#${i}`;
      ids.add(id);
      samples.push(id === spec.id ? spec : { ...spec, id });
      origins.set(id, where);
    }
  }
  return { samples, diagnostics, engine, origins };
}

type Built = { spec: SampleSpec; where: SampleOrigins };

function resolveSource(src: ConfSource, opts: ResolveOptions, diags: Diagnostic[], engine: Record<string, unknown>): Built[] {
  const { schema } = opts;
  const stanzas = [...src.conf.stanzas.values()];
  const dflt = src.conf.stanzas.get('default');
  const globalStanza = mergeStanzas(opts.baseGlobal, src.conf.stanzas.get('global'));

  // [global]: typed sample defaults plus engine settings.
  const globals = new Map<string, unknown>();
  const globalValues = globalStanza ? withDefault(dflt, globalStanza) : new Map<string, ConfValue>();
  if (globalStanza) {
    for (const [key, cv] of globalValues) {
      const def = schema.get(key);
      if (!def) {
        checkUnknown(key, cv, 'global', schema, diags);
        continue;
      }
      const c = schema.coerce(def, cv.value);
      if (!c.ok) {
        diags.push({ severity: 'error', file: cv.origin.file, line: cv.origin.line, stanza: 'global', setting: key, value: cv.value, message: `${key} ${c.error}; the default ${JSON.stringify(def.default)} is used instead.` });
        continue;
      }
      noteWarning(c.warning, key, cv, 'global', diags);
      noteNoEffect(def.noEffect, key, cv, 'global', diags);
      if (def.inherit) globals.set(key, c.value);
      else engine[key] = c.value;
    }
  }

  const candidates: Candidate[] = [];
  for (const st of stanzas) {
    if (st.name === 'global' || st.name === 'default') continue;
    const cand: Candidate = { stanza: st, settings: new Map(), explicit: new Set(), tokens: [], failed: false };
    try {
      cand.regex = compileFullMatch(st.name);
    } catch (e) {
      diags.push({ severity: 'error', file: st.origin.file, line: st.origin.line, stanza: st.name, message: `The stanza name is used as a regular expression for sample file names, and it is not valid: ${(e as Error).message}. This stanza is skipped.` });
      continue;
    }
    for (const [k, v] of withDefault(dflt, st)) {
      cand.settings.set(k, v);
      if (st.settings.has(k)) cand.explicit.add(k);
    }
    candidates.push(cand);
  }

  // Regex stanzas lend their settings and tokens to every stanza whose name they match.
  for (const c of candidates) {
    c.tokens = collectTokens(c.stanza, c.settings, diags);
    for (const other of candidates) {
      if (other === c || !other.regex || !fullMatch(other.regex, c.stanza.name)) continue;
      for (const [k, v] of other.stanza.settings) {
        if (TOKEN_SETTING.test(k) || c.settings.has(k)) continue;
        c.settings.set(k, v);
      }
      c.tokens.push(...collectTokens(other.stanza, other.stanza.settings, diags));
    }
  }

  const out: Built[] = [];
  // Which stanzas select which files, so that one file gets one merged sample.
  const byFile = new Map<string, Candidate[]>();
  const fileless: Candidate[] = [];
  for (const c of candidates) {
    if (opts.onlyStanza !== undefined && c.stanza.name !== opts.onlyStanza) continue;
    const sampleDir = sampleDirOf(c, src, globalStanza?.settings.get('sampleDir'));
    const generator = String(rawSetting(c, 'generator', globals) ?? 'default');
    const mode = String(rawSetting(c, 'mode', globals) ?? 'sample');
    const rater = String(rawSetting(c, 'rater', globals) ?? 'config');
    const effectiveGen = generator !== 'default' ? generator : mode === 'replay' ? 'replay' : rater === 'counter' ? 'counter' : generator;
    const files = listSampleFiles(sampleDir, rawSetting(c, 'blacklist', globals) as string | undefined).filter((f) => fullMatch(c.regex!, f));
    if (files.length === 0) {
      if (opts.generatorNeedsFile(effectiveGen) && !rawSetting(c, 'perDayVolume', globals)) {
        const hint = String(rawSetting(c, 'sampletype', globals)) === 'csv' && !c.stanza.name.includes('csv') ? ' (CSV samples usually end in .csv: try adding it to the stanza name)' : '';
        diags.push({ severity: 'error', file: c.stanza.origin.file, line: c.stanza.origin.line, stanza: c.stanza.name, message: `No sample file in ${sampleDir} matches the stanza name${hint}. This stanza is skipped.` });
        continue;
      }
      fileless.push(c);
      continue;
    }
    for (const f of files) {
      const key = join(sampleDir, f);
      const list = byFile.get(key) ?? [];
      list.push(c);
      byFile.set(key, list);
    }
  }

  for (const [file, list] of byFile) {
    const name = basename(file);
    const sorted = [...list].sort((a, b) => rank(b, name) - rank(a, name));
    const built = buildSample(sorted, file, src, opts, globals, globalValues, diags, globalStanza?.settings.get('sampleDir'));
    if (built) out.push(built);
  }
  for (const c of fileless) {
    const built = buildSample([c], undefined, src, opts, globals, globalValues, diags, globalStanza?.settings.get('sampleDir'));
    if (built) out.push(built);
  }
  return out;
}

/** The winner among stanzas selecting one file: an exact name, else the longest pattern. */
function rank(c: Candidate, fileName: string): number {
  return c.stanza.name === fileName ? Number.MAX_SAFE_INTEGER : c.stanza.name.length;
}

function buildSample(
  cands: Candidate[],
  file: string | undefined,
  src: ConfSource,
  opts: ResolveOptions,
  globals: Map<string, unknown>,
  globalValues: ReadonlyMap<string, ConfValue>,
  diags: Diagnostic[],
  globalSampleDir: ConfValue | undefined,
): Built | undefined {
  const { schema } = opts;
  const winner = cands[0];
  const merged = new Map(winner.settings);
  const tokens = [...winner.tokens];
  // Each stanza's tokens count once, however many routes (regex lending, several stanzas on one
  // file) bring them to this sample.
  const seen = new Set(winner.tokens.map((t) => t.stanza));
  for (const other of cands.slice(1)) {
    for (const [k, v] of other.settings) if (!winner.explicit.has(k) && !merged.has(k) && !TOKEN_SETTING.test(k)) merged.set(k, v);
    const from = new Set<string>();
    for (const t of other.tokens) {
      if (seen.has(t.stanza)) continue;
      tokens.push(t);
      from.add(t.stanza);
    }
    for (const st of from) seen.add(st);
  }
  const stanza = winner.stanza.name;
  let failed = winner.failed;
  const settings: Record<string, unknown> = {};
  for (const def of schema.all()) if (def.inherit) settings[def.name] = globals.has(def.name) ? globals.get(def.name) : def.default;

  for (const [key, cv] of merged) {
    if (TOKEN_SETTING.test(key) || HOST_TOKEN_SETTING.test(key) || SPLUNK_METADATA_KEY.test(key)) continue;
    const def = schema.get(key);
    if (!def) {
      checkUnknown(key, cv, stanza, schema, diags);
      continue;
    }
    if (!def.inherit) {
      diags.push({ severity: 'warning', file: cv.origin.file, line: cv.origin.line, stanza, setting: key, value: cv.value, message: `${key} is an engine setting read from [global] only; here it is ignored.` });
      continue;
    }
    const c = schema.coerce(def, cv.value);
    if (!c.ok) {
      diags.push({ severity: 'error', file: cv.origin.file, line: cv.origin.line, stanza, setting: key, value: cv.value, message: `${key} ${c.error}. This stanza is skipped.` });
      failed = true;
      continue;
    }
    noteWarning(c.warning, key, cv, stanza, diags);
    noteNoEffect(def.noEffect, key, cv, stanza, diags);
    settings[key] = c.value;
  }
  for (const [key, raw] of Object.entries(opts.overrides ?? {})) {
    const def = schema.get(key);
    if (!def) continue;
    const c = schema.coerce(def, raw);
    if (!c.ok) {
      diags.push({ severity: 'error', stanza, setting: key, value: raw, message: `command-line override ${key} ${c.error}.` });
      failed = true;
      continue;
    }
    settings[key] = c.value;
  }

  const tokenSpecs = finishTokens(tokens, stanza, diags);
  if (tokenSpecs === undefined) failed = true;
  const hostToken = merged.get('host.token');
  const hostRepl = merged.get('host.replacement');
  if ((hostToken && !hostRepl) || (!hostToken && hostRepl)) {
    const cv = (hostToken ?? hostRepl)!;
    diags.push({ severity: 'error', file: cv.origin.file, line: cv.origin.line, stanza, setting: hostToken ? 'host.replacement' : 'host.token', message: 'host.token and host.replacement must be set together. This stanza is skipped.' });
    failed = true;
  }
  if (failed || settings.disabled === true) return undefined;

  // Post-processing the original applies (eventgen-reference §a.2 step 4).
  if (settings.perDayVolume !== undefined && settings.generator === 'default') {
    settings.generator = 'perdayvolumegenerator';
    settings.rater = 'perdayvolume';
    settings.count = 1;
  }
  if (settings.mode === 'replay' && settings.generator === 'default') settings.generator = 'replay';
  // The original's rater `counter` chose the counter generator (its docs tell users to set the rater).
  if (settings.rater === 'counter' && settings.generator === 'default') settings.generator = 'counter';
  // Standalone replay configs that name their sampleDir and no end ran one pass in the original,
  // and its test configs rely on that; stanzas inside Splunk apps (no sampleDir) replay forever.
  if (settings.generator === 'replay' && settings.end === undefined && merged.has('sampleDir')) settings.end = '1';
  const fileName = file ? basename(file) : undefined;
  if (settings.source === undefined) settings.source = fileName ?? stanza;
  if (settings.spoolFile === '<SAMPLE>') settings.spoolFile = fileName ?? stanza;
  if (settings.outputMode === 'file' && settings.fileName === undefined) {
    settings.fileName = join(String(settings.spoolDir), fileName ?? stanza);
  }
  const sampleDir = sampleDirOf(winner, src, globalSampleDir);
  settings.sampleDir = sampleDir;

  const idBase = src.app ? `${src.app}/${stanza}` : stanza;
  const spec: SampleSpec = {
    id: fileName && fileName !== stanza ? `${idBase}:${fileName}` : idBase,
    stanza,
    app: src.app,
    file,
    confDir: src.confDir,
    confFile: src.confFile,
    sampleDir,
    settings,
    tokens: tokenSpecs ?? [],
    hostToken: hostToken && hostRepl ? { token: hostToken.value, replacement: hostRepl.value } : undefined,
  };
  // The stanza chain (itself, [default], lending stanzas) wins over [global], as for the values.
  return { spec, where: { stanza: winner.stanza.origin, settings: new Map([...globalValues, ...merged]) } };
}

function collectTokens(stanza: ConfStanza, settings: Map<string, ConfValue>, _diags: Diagnostic[]): TokenDraft[] {
  const byN = new Map<number, TokenDraft>();
  for (const [k, v] of settings) {
    const m = TOKEN_SETTING.exec(k);
    if (!m) continue;
    const n = Number(m[1]);
    const d = byN.get(n) ?? { parts: {}, n, stanza: stanza.name };
    d.parts[m[2] as 'token'] = v;
    byN.set(n, d);
  }
  return [...byN.values()].sort((a, b) => a.n - b.n);
}

function finishTokens(drafts: TokenDraft[], stanza: string, diags: Diagnostic[]): TokenSpec[] | undefined {
  const out: TokenSpec[] = [];
  let ok = true;
  for (const d of drafts) {
    const any = (d.parts.token ?? d.parts.replacementType ?? d.parts.replacement)!;
    const missing = (['token', 'replacementType', 'replacement'] as const).filter((p) => d.parts[p] === undefined);
    // A static replacement may legitimately be empty; a missing key is still an error.
    if (missing.length) {
      diags.push({ severity: 'error', file: any.origin.file, line: any.origin.line, stanza, setting: `token.${d.n}`, message: `token.${d.n} has no ${missing.map((p) => `token.${d.n}.${p}`).join(' or ')}. This stanza is skipped.` });
      ok = false;
      continue;
    }
    const type = d.parts.replacementType!.value.trim();
    const canonical = REPLACEMENT_TYPES.find((t) => t.toLowerCase() === type.toLowerCase());
    if (!canonical) {
      const cv = d.parts.replacementType!;
      diags.push({ severity: 'error', file: cv.origin.file, line: cv.origin.line, stanza, setting: `token.${d.n}.replacementType`, value: cv.value, message: `unknown replacementType; use one of ${REPLACEMENT_TYPES.join(', ')}. This stanza is skipped.` });
      ok = false;
      continue;
    }
    out.push({ n: d.n, token: d.parts.token!.value, replacementType: canonical as ReplacementType, replacement: d.parts.replacement!.value });
  }
  return ok ? out : undefined;
}

function withDefault(dflt: ConfStanza | undefined, st: ConfStanza): Map<string, ConfValue> {
  const m = new Map<string, ConfValue>();
  if (dflt && dflt !== st) for (const [k, v] of dflt.settings) m.set(k, v);
  for (const [k, v] of st.settings) m.set(k, v);
  return m;
}

function mergeStanzas(base: ConfStanza | undefined, top: ConfStanza | undefined): ConfStanza | undefined {
  if (!base) return top;
  if (!top) return base;
  const settings = new Map(base.settings);
  for (const [k, v] of top.settings) settings.set(k, v);
  return { name: 'global', origin: top.origin, settings };
}

function rawSetting(c: Candidate, key: string, globals: Map<string, unknown>): unknown {
  const v = c.settings.get(key);
  if (v !== undefined) return v.value.trim();
  return globals.get(key);
}

function sampleDirOf(c: Candidate, src: ConfSource, globalDir?: ConfValue): string {
  const v = c.settings.get('sampleDir') ?? globalDir;
  if (!v) return src.defaultSampleDir;
  const expanded = expandVars(v.value.trim());
  return isAbsolute(expanded) ? expanded : resolve(dirname(v.origin.file) || src.confDir, expanded);
}

const listingCache = new Map<string, string[]>();
function listSampleFiles(dir: string, blacklist: string | undefined): string[] {
  let names = listingCache.get(dir);
  if (!names) {
    names = [];
    if (existsSync(dir)) {
      for (const n of readdirSync(dir).sort()) {
        try {
          if (statSync(join(dir, n)).isFile()) names.push(n);
        } catch {
          // A file vanishing between readdir and stat is simply not a sample.
        }
      }
    }
    listingCache.set(dir, names);
  }
  if (!blacklist) return names;
  const re = compileFullMatch(blacklist);
  return names.filter((n) => !fullMatch(re, n));
}

/** Forgets directory listings (tests create sample folders on the fly). */
export function clearSampleListingCache(): void {
  listingCache.clear();
}

function fullMatch(re: RegExp, s: string): boolean {
  return re.test(s);
}

function checkUnknown(key: string, cv: ConfValue, stanza: string, schema: SettingsSchema, diags: Diagnostic[]): void {
  if (schema.isFamilyKey(key)) return;
  const near = schema.nearest(key);
  diags.push({ severity: 'warning', file: cv.origin.file, line: cv.origin.line, stanza, setting: key, value: cv.value, message: `unknown setting${near ? `; did you mean ${near}?` : ''} It is ignored.` });
}

function noteWarning(warning: string | undefined, key: string, cv: ConfValue, stanza: string, diags: Diagnostic[]): void {
  if (warning) diags.push({ severity: 'warning', file: cv.origin.file, line: cv.origin.line, stanza, setting: key, value: cv.value, message: `${key} ${warning}.` });
}

function noteNoEffect(why: string | undefined, key: string, cv: ConfValue, stanza: string, diags: Diagnostic[]): void {
  if (why) diags.push({ severity: 'info', file: cv.origin.file, line: cv.origin.line, stanza, setting: key, value: cv.value, message: `${key} has no effect here: ${why}.` });
}
