/**
 * Generates README/eventgen.conf.spec from the settings schema, so the spec can never disagree
 * with what the engine accepts. A test fails when the committed file drifts.
 */
import type { SettingDef } from './types';
import { builtinRegistry } from '../plugins/builtin';

export function renderSpec(defs: readonly SettingDef[]): string {
  const lines: string[] = [
    '# eventgen.conf.spec — generated from lib/conf/settings.ts and the built-in plugins by `npm run spec`.',
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
    lines.push(`# ── ${group} ${'─'.repeat(Math.max(3, 90 - group.length))}`, '');
    for (const d of list) {
      lines.push(`${d.name} = ${placeholder(d)}`);
      lines.push(`* ${d.doc}`);
      if (d.default !== undefined) lines.push(`* Default: ${typeof d.default === 'string' ? d.default : JSON.stringify(d.default)}`);
      if (!d.inherit) lines.push('* Read from [global] only.');
      if (d.noEffect) lines.push(`* Accepted for compatibility; no effect: ${d.noEffect}.`);
      lines.push('');
    }
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
