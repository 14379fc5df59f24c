/**
 * The live schema: the core settings plus whatever the registered plugins declare,
 * with the coercion rules that turn .conf strings into typed values.
 */
import { CORE_SETTINGS, HOST_TOKEN_SETTING, SPLUNK_METADATA_KEY, TOKEN_SETTING } from './settings';
import type { SettingDef, SettingValue } from './types';
import { compilePythonRegex } from '../tokens/pyregex';
import { parseRelativeTime } from '../time/relative';

export type Coerced = { ok: true; value: SettingValue; warning?: string } | { ok: false; error: string };

const TRUE = new Set(['1', 'true', 't', 'yes', 'y', 'on']);
const FALSE = new Set(['0', 'false', 'f', 'no', 'n', 'off']);

export class SettingsSchema {
  readonly #defs = new Map<string, SettingDef & { owner: string }>();

  constructor(defs: readonly SettingDef[] = CORE_SETTINGS) {
    for (const d of defs) this.#defs.set(d.name, { ...d, owner: 'core' });
  }

  /** Adds a plugin's settings; a clash with an existing name is an error the caller reports. */
  add(defs: readonly SettingDef[], owner: string): string[] {
    const clashes: string[] = [];
    for (const d of defs) {
      const prev = this.#defs.get(d.name);
      if (prev && prev.owner !== owner) {
        clashes.push(`setting ${d.name} of ${owner} is already defined by ${prev.owner}`);
        continue;
      }
      this.#defs.set(d.name, { ...d, owner });
    }
    return clashes;
  }

  get(name: string): SettingDef | undefined {
    return this.#defs.get(name);
  }

  all(): SettingDef[] {
    return [...this.#defs.values()];
  }

  ownerOf(name: string): string | undefined {
    return this.#defs.get(name)?.owner;
  }

  /** True for keys that are valid without a fixed definition (tokens, Splunk metadata). */
  isFamilyKey(key: string): boolean {
    return TOKEN_SETTING.test(key) || HOST_TOKEN_SETTING.test(key) || SPLUNK_METADATA_KEY.test(key);
  }

  /** The closest known setting name, for "did you mean" warnings. */
  nearest(key: string): string | undefined {
    let best: string | undefined;
    let bestScore = Infinity;
    const lower = key.toLowerCase();
    for (const name of this.#defs.keys()) {
      if (name.toLowerCase() === lower) return name;
      const d = editDistance(lower, name.toLowerCase());
      if (d < bestScore) {
        bestScore = d;
        best = name;
      }
    }
    return bestScore <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
  }

  coerce(def: SettingDef, raw: string): Coerced {
    const v = raw.trim();
    let value: SettingValue;
    switch (def.type) {
      case 'string':
      case 'path':
        value = raw;
        break;
      case 'int': {
        if (!/^[+-]?\d+$/.test(v)) return { ok: false, error: 'must be a whole number' };
        value = Number(v);
        if (!Number.isSafeInteger(value)) return { ok: false, error: 'is too large' };
        break;
      }
      case 'float': {
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return { ok: false, error: 'must be a number' };
        value = Number(v);
        break;
      }
      case 'bool': {
        const l = v.toLowerCase();
        if (TRUE.has(l)) value = true;
        else if (FALSE.has(l)) value = false;
        else return { ok: false, error: 'must be true or false (also 1/0, yes/no)' };
        break;
      }
      case 'json':
        try {
          value = JSON.parse(v);
        } catch (e) {
          return { ok: false, error: `is not valid JSON (${(e as Error).message})` };
        }
        break;
      case 'enum': {
        const values = def.values ?? [];
        const hit = def.caseInsensitive ? values.find((x) => x.toLowerCase() === v.toLowerCase()) : values.find((x) => x === v);
        if (hit === undefined) return { ok: false, error: `must be one of ${values.join(', ')}` };
        value = hit;
        break;
      }
      case 'regex': {
        try {
          compilePythonRegex(raw);
        } catch (e) {
          return { ok: false, error: `is not a valid regular expression (${(e as Error).message})` };
        }
        value = raw;
        break;
      }
      case 'timestr': {
        const err = parseRelativeTime(v).error;
        if (err) return { ok: false, error: err };
        value = v;
        break;
      }
    }
    if (typeof value === 'number') {
      if (def.min !== undefined && value < def.min) {
        if (def.belowMin === undefined) return { ok: false, error: `must be at least ${def.min}` };
        return { ok: true, value: def.min, warning: `is below ${def.min}: ${def.belowMin}` };
      }
      if (def.max !== undefined && value > def.max) return { ok: false, error: `must be at most ${def.max}` };
    }
    const err = def.check?.(value);
    if (err) return { ok: false, error: err };
    return { ok: true, value };
  }
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
