/**
 * Checking samples before a run. Each plugin may have a check(sample) hook (PLUGINS.md,
 * "Checking settings before a run") that says what is wrong with a sample's settings without
 * opening anything; its problems become diagnostics that point at the file and line that set the
 * value, like the resolver's own. `eventgen validate` runs them with the rest of its set-up checks
 * (validateSamples); `eventgen generate` runs them at start (checkPlugins) and does not start the
 * samples they find broken.
 */
import type { PluginKind, PluginLogger, SampleSpec, SettingProblem } from './api';
import { describeOrigin, KIND_SETTING, PLUGIN_KINDS, type PluginRegistry } from './registry';
import type { SampleOrigins } from '../conf/resolve';
import type { Diagnostic } from '../conf/types';

/** Where the samples' settings came from, so that problems can name a file and a line. */
export interface CheckContext {
  /** ResolveResult.origins. */
  readonly origins: ReadonlyMap<string, SampleOrigins>;
  /** Settings given on the command line for every stanza (they have no line). */
  readonly overrides?: Readonly<Record<string, string>>;
}

type Located = Pick<Diagnostic, 'file' | 'line' | 'stanza' | 'setting' | 'value'>;

/** Something thrown, as a problem: its message (less the `who: ` prefix, when given) and its `setting`. */
export function problemOf(e: unknown, who?: string): SettingProblem {
  const m = (e as { message?: unknown } | null)?.message;
  const text = typeof m === 'string' ? m : String(e);
  const message = who && text.startsWith(`${who}: `) ? text.slice(who.length + 2) : text;
  const setting = (e as { setting?: unknown } | null)?.setting;
  return typeof setting === 'string' && setting !== '' ? { setting, message } : { message };
}

/**
 * A check() for a built-in plugin: it runs the reader that create() runs, so what validate
 * accepts and what a run accepts cannot drift apart. `who` gives the prefix the reader puts on
 * its messages (`httpevent [stanza]`), which the diagnostic's own stanza makes redundant.
 */
export function checkByReading(read: (sample: SampleSpec) => unknown, who?: (sample: SampleSpec) => string): (sample: SampleSpec) => SettingProblem[] {
  return (sample) => {
    try {
      read(sample);
      return [];
    } catch (e) {
      return [problemOf(e, who?.(sample))];
    }
  };
}

/** Whatever a check() returned, as a list of problems; what breaks the contract is a problem too. */
function normalise(found: unknown): SettingProblem[] {
  if (found === undefined || found === null) return [];
  if (typeof (found as { then?: unknown }).then === 'function') return [{ message: 'check() returned a promise; it must return its problems synchronously' }];
  const list: unknown[] = Array.isArray(found) ? found : [found];
  const out: SettingProblem[] = [];
  for (const p of list) {
    if (typeof p === 'string') {
      if (p.trim() !== '') out.push({ message: p });
    } else if (p && typeof p === 'object' && typeof (p as SettingProblem).message === 'string') {
      const { setting, message } = p as SettingProblem;
      out.push(typeof setting === 'string' && setting !== '' ? { setting, message } : { message });
    } else {
      out.push({ message: `check() returned ${JSON.stringify(p) ?? String(p)}; a problem is a string or { setting, message }` });
    }
  }
  return out;
}

/** The problems that the check() of the sample's plugin of this kind finds, as error diagnostics. */
export function pluginProblems(sample: SampleSpec, kind: PluginKind, registry: PluginRegistry, ctx: CheckContext): Diagnostic[] {
  const name = String(sample.settings[KIND_SETTING[kind]]);
  const reg = registry.get(kind, name);
  const check = reg?.plugin.check;
  if (!reg || typeof check !== 'function') return [];
  let problems: SettingProblem[];
  try {
    problems = normalise(check.call(reg.plugin, sample));
  } catch (e) {
    problems = [problemOf(e)];
  }
  // App plugins are named the way their create() errors are; built-ins speak for eventgen.
  const prefix = reg.origin.app === 'builtin' ? '' : `${kind} plugin "${name}" from ${describeOrigin(reg.origin)}: `;
  return problems.map((p) => {
    const setting = p.setting ?? KIND_SETTING[kind];
    return { severity: 'error', ...locateSetting(sample, setting, ctx), message: prefix + withoutValue(p.message, setting, sample.settings[setting]) };
  });
}

/** `fileName = "x" uses …` → `fileName uses …`: the diagnostic shows the value already. */
function withoutValue(message: string, setting: string, value: unknown): string {
  const stated = `${setting} = ${JSON.stringify(value)} `;
  return value !== undefined && message.startsWith(stated) ? `${setting} ${message.slice(stated.length)}` : message;
}

/** `generate`: every check() problem of every sample, and the ids of the samples that must not start. */
export function checkPlugins(samples: readonly SampleSpec[], registry: PluginRegistry, ctx: CheckContext): { diagnostics: Diagnostic[]; broken: Set<string> } {
  const diagnostics: Diagnostic[] = [];
  const broken = new Set<string>();
  for (const s of samples) {
    const found = PLUGIN_KINDS.flatMap((kind) => pluginProblems(s, kind, registry, ctx));
    if (found.length > 0) broken.add(s.id);
    diagnostics.push(...found);
  }
  return { diagnostics: unique(diagnostics), broken };
}

/**
 * `validate`: for each sample, the plugins that cannot be found, every check() problem, and
 * what setting the sample up reveals where no check() spoke already — the output's instanceKey
 * (it reads paths without opening them) and the generator's create().
 */
export function validateSamples(samples: readonly SampleSpec[], registry: PluginRegistry, log: PluginLogger, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of samples) {
    const quiet = new Set<PluginKind>();
    for (const kind of PLUGIN_KINDS) {
      const name = String(s.settings[KIND_SETTING[kind]]);
      if (!registry.get(kind, name)) {
        out.push({ severity: 'error', ...locateSetting(s, KIND_SETTING[kind], ctx), message: registry.explainMissing(kind, name) });
        continue;
      }
      const found = pluginProblems(s, kind, registry, ctx);
      if (found.length === 0) quiet.add(kind);
      out.push(...found);
    }
    if (quiet.has('output')) {
      try {
        registry.get('output', String(s.settings.outputMode))?.plugin.instanceKey?.(s);
      } catch (e) {
        const p = problemOf(e);
        out.push({ severity: 'error', ...locateSetting(s, p.setting ?? 'outputMode', ctx), message: p.message });
      }
    }
    if (quiet.has('generator')) {
      try {
        registry.get('generator', String(s.settings.generator))?.plugin.create(s, { log });
      } catch (e) {
        out.push({ severity: 'error', file: s.confFile, stanza: s.stanza, message: `${problemOf(e).message}${s.file ? ` (sample ${s.file})` : ''}` });
      }
    }
  }
  return unique(out);
}

/** One stanza matching several sample files reports the same problem once. */
function unique(diags: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const key = JSON.stringify([d.severity, d.file, d.line, d.stanza, d.setting, d.value, d.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Where a sample's setting was set, as the resolver recorded it (ResolveResult.origins): the
 * stanza itself, [default], a lending regex stanza or [global]. A setting set nowhere (a default)
 * points at the stanza; one given on the command line has no line.
 */
export function locateSetting(sample: SampleSpec, setting: string, ctx: CheckContext): Located {
  if (ctx.overrides && Object.hasOwn(ctx.overrides, setting)) return { stanza: sample.stanza, setting, value: ctx.overrides[setting] };
  const where = ctx.origins.get(sample.id);
  const cv = where?.settings.get(setting);
  if (cv) return { file: cv.origin.file, line: cv.origin.line, stanza: sample.stanza, setting, value: cv.value };
  const typed = sample.settings[setting];
  const shown = typed === undefined || typed === null ? undefined : typeof typed === 'string' ? typed : JSON.stringify(typed);
  return { file: where?.stanza.file ?? sample.confFile, line: where?.stanza.line, stanza: sample.stanza, setting, value: shown };
}
