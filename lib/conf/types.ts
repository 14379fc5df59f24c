/**
 * Shapes shared by the conf reader, the settings schema and the plugins.
 * A setting is declared once (name, type, default, doc) and everything else —
 * coercion, validation, `[global]` inheritance and the generated .conf.spec — is
 * derived from that declaration.
 */

/** How a raw .conf string is turned into a typed value. */
export type SettingType =
  | 'string'
  | 'int'
  | 'float'
  | 'bool'
  | 'json'
  | 'enum'
  | 'timestr'
  | 'path'
  | 'regex';

export type SettingValue = string | number | boolean | unknown;

export interface SettingDef {
  /** Exact key as written in eventgen.conf (keys are case-sensitive, as in Splunk). */
  readonly name: string;
  readonly type: SettingType;
  /** Typed default; `undefined` means "unset" (the original's None). */
  readonly default?: SettingValue;
  /** Copied from `[global]` into a stanza that does not set it (the original's _defaultableSettings). */
  readonly inherit: boolean;
  /** One-line documentation, written into README/eventgen.conf.spec. */
  readonly doc: string;
  /** Group heading in the generated spec. */
  readonly group: string;
  /** Allowed values for `enum` settings (compared case-sensitively unless `caseInsensitive`). */
  readonly values?: readonly string[];
  readonly caseInsensitive?: boolean;
  /** Inclusive numeric bounds for int/float settings. */
  readonly min?: number;
  readonly max?: number;
  /**
   * Values under `min` are raised to it with this warning instead of failing the stanza, for
   * values the original tolerated (interval = -1 ran like 0).
   */
  readonly belowMin?: string;
  /** The original accepts it but ignores it; we warn when it is set. */
  readonly noEffect?: string;
  /** Extra validation after coercion; returns an error text or undefined. */
  readonly check?: (value: SettingValue) => string | undefined;
}

/** Where a value came from, for error messages that name file, line and stanza. */
export interface Origin {
  readonly file: string;
  readonly line: number;
}

export interface ConfValue {
  readonly value: string;
  readonly origin: Origin;
}

export interface ConfStanza {
  readonly name: string;
  readonly origin: Origin;
  /** Insertion-ordered; last value wins (Splunk's rule). */
  readonly settings: Map<string, ConfValue>;
  /** Splunk app owning the stanza (REST `eai:acl.app`), when known. */
  app?: string;
}

export interface ConfFile {
  readonly stanzas: Map<string, ConfStanza>;
  readonly files: readonly string[];
}

export type Severity = 'error' | 'warning' | 'info';

/** One problem found in configuration or at run time, always saying where. */
export interface Diagnostic {
  readonly severity: Severity;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly stanza?: string;
  readonly setting?: string;
  readonly value?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where: string[] = [];
  if (d.file) where.push(d.line ? `${d.file}:${d.line}` : d.file);
  if (d.stanza !== undefined) where.push(`[${d.stanza}]`);
  if (d.setting) where.push(d.value !== undefined ? `${d.setting} = ${JSON.stringify(d.value)}` : d.setting);
  const prefix = where.length ? `${where.join(' ')}: ` : '';
  return `${d.severity.toUpperCase()} ${prefix}${d.message}`;
}
