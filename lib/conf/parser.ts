/**
 * A reader for Splunk .conf files that follows splunkd's rules rather than INI's:
 *  - a comment is a line whose first non-blank character is `#`; `;` and `#` inside a
 *    value are data (token regexes and JSON need both);
 *  - `key = value` splits at the first `=`, so values may contain `=`;
 *  - a line ending in `\` continues on the next line (joined with a newline, as splunkd keeps it);
 *  - stanza names are taken verbatim between the first `[` and the last `]`, so regex
 *    stanzas such as `[sample\d]` or `[[a-z]+\.log]` survive;
 *  - keys are case-sensitive; a repeated key or stanza merges and the last value wins;
 *  - settings before the first stanza belong to `[default]`.
 */
import { readFileSync } from 'node:fs';
import type { ConfFile, ConfStanza, Diagnostic } from './types';

export interface ParseResult {
  conf: ConfFile;
  diagnostics: Diagnostic[];
}

export function parseConf(text: string, file: string): ParseResult {
  const stanzas = new Map<string, ConfStanza>();
  const diagnostics: Diagnostic[] = [];
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\n|\r/);

  const stanzaFor = (name: string, line: number): ConfStanza => {
    let s = stanzas.get(name);
    if (!s) {
      s = { name, origin: { file, line }, settings: new Map() };
      stanzas.set(name, s);
    }
    return s;
  };
  let current: ConfStanza | undefined;
  // After a broken header we drop settings until the next header rather than file them wrongly.
  let skipUntilStanza = false;

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i];
    if (line.trim().startsWith('#')) continue; // a comment never continues onto the next line
    // Continuations: an odd number of trailing backslashes joins the next physical line
    // (an even number is a literal backslash, e.g. a regex ending in \\).
    while (endsWithContinuation(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + '\n' + lines[++i];
    }
    const trimmed = line.trim();
    if (trimmed === '') continue;

    if (trimmed.startsWith('[')) {
      const close = trimmed.lastIndexOf(']');
      if (close <= 0) {
        diagnostics.push({ severity: 'error', file, line: lineNo, message: `Malformed stanza header ${JSON.stringify(trimmed)}: missing closing "]". The settings that follow it are ignored until the next stanza.` });
        current = undefined;
        skipUntilStanza = true;
        continue;
      }
      skipUntilStanza = false;
      current = stanzaFor(trimmed.slice(1, close), lineNo);
      continue;
    }
    if (skipUntilStanza) continue;

    const eq = line.indexOf('=');
    if (eq < 0) {
      diagnostics.push({ severity: 'error', file, line: lineNo, stanza: current?.name, message: `Malformed line ${JSON.stringify(trimmed)}: expected "key = value", a [stanza] or a # comment. The line is ignored.` });
      continue;
    }
    const key = line.slice(0, eq).trim();
    if (key === '') {
      diagnostics.push({ severity: 'error', file, line: lineNo, stanza: current?.name, message: `Malformed line ${JSON.stringify(trimmed)}: the setting has no name. The line is ignored.` });
      continue;
    }
    const value = line.slice(eq + 1).trim();
    if (!current) current = stanzaFor('default', lineNo);
    // Delete first so that re-setting a key moves it to the end: "last value wins" also for order.
    current.settings.delete(key);
    current.settings.set(key, { value, origin: { file, line: lineNo } });
  }
  return { conf: { stanzas, files: [file] }, diagnostics };
}

function endsWithContinuation(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

export function readConfFile(path: string): ParseResult {
  return parseConf(readFileSync(path, 'utf8'), path);
}

/**
 * Layers conf files in precedence order (later wins), as splunkd does for default < local:
 * stanzas merge key by key.
 */
export function layerConf(layers: readonly ConfFile[]): ConfFile {
  const stanzas = new Map<string, ConfStanza>();
  const files: string[] = [];
  for (const layer of layers) {
    files.push(...layer.files);
    for (const [name, s] of layer.stanzas) {
      let target = stanzas.get(name);
      if (!target) {
        target = { name, origin: s.origin, settings: new Map(), app: s.app };
        stanzas.set(name, target);
      }
      for (const [k, v] of s.settings) {
        target.settings.delete(k);
        target.settings.set(k, v);
      }
    }
  }
  return { stanzas, files };
}
