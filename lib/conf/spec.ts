/**
 * Generates README/eventgen.conf.spec from the settings schema, so the spec can never disagree
 * with what the engine accepts. A test fails when the committed file drifts.
 *
 * `eventgen spec <config>` prints the same text plus, for the app of that config, one section per
 * plugin the app ships (appPluginSections), before the token settings.
 */
import { relative, sep } from 'node:path';
import type { SettingDef } from './types';
import { builtinRegistry } from '../plugins/builtin';
import { PLUGIN_KINDS, type PluginRegistry } from '../plugins/registry';

/** The settings of one plugin from an app, under their own heading. */
export interface PluginSpecSection {
  readonly heading: string;
  readonly description?: string;
  readonly defs: readonly SettingDef[];
}

const SHIPPED_TITLE = 'generated from lib/conf/settings.ts and the built-in plugins by `npm run spec`.';

/** `title` follows "eventgen.conf.spec — " on the first line; `plugins` come before the token settings. */
export function renderSpec(defs: readonly SettingDef[], opts: { title?: readonly string[]; plugins?: readonly PluginSpecSection[] } = {}): string {
  const [first, ...more] = opts.title ?? [SHIPPED_TITLE];
  const lines: string[] = [
    `# eventgen.conf.spec — ${first}`,
    ...more.map((l) => `# ${l}`),
    '# Do not edit by hand.',
    '#',
    '# Stanza names are regular expressions matched against whole sample file names in sampleDir.',
    '# [global] holds defaults for every stanza. Values are plain text: # and ; inside a value are data.',
    '',
    '[global]',
    '[<sample file name regex>]',
    '',
  ];
  const groups = new Map<string, SettingDef[]>();
  for (const d of defs) {
    const g = groups.get(d.group) ?? [];
    g.push(d);
    groups.set(d.group, g);
  }
  for (const [group, list] of groups) {
    lines.push(heading(group), '');
    for (const d of list) lines.push(...settingLines(d));
  }
  for (const p of opts.plugins ?? []) {
    lines.push(heading(p.heading));
    if (p.description) lines.push(`# ${p.description}`);
    lines.push('');
    if (p.defs.length === 0) lines.push('# (no settings of its own)', '');
    for (const d of p.defs) lines.push(...settingLines(d));
  }
  lines.push(
    '# ── Tokens ────────────────────────────────────────────────────────────────────────────────',
    '',
    'token.<n>.token = <regular expression>',
    '* What to replace in each event; with a capture group only the group is replaced. Tokens apply in order of n.',
    '',
    'token.<n>.replacementType = static | timestamp | replaytimestamp | random | rated | file | mvfile | seqfile | integerid',
    '* How the replacement is produced.',
    '',
    'token.<n>.replacement = <string>',
    '* static: the text. timestamp/replaytimestamp: a Python strftime format. random/rated: integer[a:b], float[a.b:c.d],',
    '* ipv4, ipv6, mac, guid, string(n), hex(n), list["a","b"]. file/mvfile/seqfile: <path>[:<column>]. integerid: start.',
    '',
    'host.token = <regular expression>',
    'host.replacement = <path>[:<column>]',
    '* Replace the matching part of each event\'s host field with a random line (or column) of the file.',
    '',
  );
  return lines.join('\n');
}

function heading(title: string): string {
  return `# ── ${title} ${'─'.repeat(Math.max(3, 90 - title.length))}`;
}

function settingLines(d: SettingDef): string[] {
  const lines = [`${d.name} = ${placeholder(d)}`, `* ${d.doc}`];
  if (d.default !== undefined) lines.push(`* Default: ${typeof d.default === 'string' ? d.default : JSON.stringify(d.default)}`);
  if (!d.inherit) lines.push('* Read from [global] only.');
  if (d.noEffect) lines.push(`* Accepted for compatibility; no effect: ${d.noEffect}.`);
  lines.push('');
  return lines;
}

function placeholder(d: SettingDef): string {
  switch (d.type) {
    case 'int':
      return '<integer>';
    case 'float':
      return '<number>';
    case 'bool':
      return '<boolean>';
    case 'json':
      return '<JSON>';
    case 'enum':
      return (d.values ?? []).join(' | ');
    case 'timestr':
      return '<Splunk time>';
    case 'path':
      return '<path>';
    case 'regex':
      return '<regular expression>';
    default:
      return '<string>';
  }
}

/** default/eventgen.conf: the [global] defaults, written from the same schema. */
export function renderGlobalDefaults(defs: readonly SettingDef[]): string {
  const lines = [
    '# Generated from the settings schema by `npm run spec`; do not edit. Put your changes in',
    '# local/eventgen.conf (or in your own app\'s eventgen.conf): [global] there overrides these.',
    '#',
    '# Use [global] for defaults, not [default]: splunkd merges [default] into every stanza of every app.',
    '[global]',
  ];
  for (const d of defs) {
    if (d.default === undefined || d.noEffect) continue;
    lines.push(`${d.name} = ${typeof d.default === 'string' ? d.default : JSON.stringify(d.default)}`);
  }
  return lines.join('\n') + '\n';
}

export function builtinGlobalDefaults(): string {
  return renderGlobalDefaults(builtinRegistry().schema.all());
}

/** The spec text for eventgen as shipped: core settings plus every built-in plugin's. */
export function builtinSpec(): string {
  return renderSpec(builtinRegistry().schema.all());
}

/**
 * One section per plugin that came from an app (built-ins are in the spec already): its kind,
 * name, app and file (relative to `baseDir` when it is inside it), and the settings the schema
 * took from it. A setting whose name another definition kept first is left out (the registry
 * reports that clash).
 */
export function appPluginSections(registry: PluginRegistry, baseDir?: string): PluginSpecSection[] {
  const sections: Array<PluginSpecSection & { app: string; order: number }> = [];
  PLUGIN_KINDS.forEach((kind, order) => {
    for (const name of registry.names(kind)) {
      const reg = registry.get(kind, name);
      if (!reg || reg.origin.app === 'builtin') continue;
      const owner = `${kind} plugin ${name}`;
      const file = reg.origin.file;
      const shown = file && baseDir && !relative(baseDir, file).startsWith(`..${sep}`) ? relative(baseDir, file) : file;
      sections.push({
        app: reg.origin.app,
        order,
        heading: `${owner} — app ${reg.origin.app}${shown ? ` (${shown})` : ''}`,
        description: reg.plugin.description,
        defs: registry.schema.all().filter((d) => registry.schema.ownerOf(d.name) === owner),
      });
    }
  });
  sections.sort((a, b) => (a.app < b.app ? -1 : a.app > b.app ? 1 : a.order - b.order));
  return sections.map(({ heading, description, defs }) => ({ heading, description, defs }));
}

/**
 * The spec for one app (`eventgen spec <config>`): eventgen's own settings, as shipped, plus a
 * section per plugin found for the app (`registry` holds the built-ins and those plugins).
 */
export function appSpec(registry: PluginRegistry, app: string, appDir: string): string {
  const plugins = appPluginSections(registry, appDir);
  const title = [
    `generated by \`eventgen spec\` for app ${app}: eventgen's own settings, then those of`,
    plugins.length > 0 ? `its ${plugins.length} plugin(s), found in ${appDir}, each under its own heading.` : `its plugins: none were found in ${appDir}.`,
  ];
  return renderSpec(builtinRegistry().schema.all(), { title, plugins });
}
