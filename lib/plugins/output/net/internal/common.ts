/**
 * Helpers shared by the network outputs: reading and checking a sample's settings, building TLS
 * options, and turning socket errors into the runner's RetryableError / PermanentError.
 *
 * Everything here names the output and the stanza (`httpevent [web_logs]`), because one process
 * may run dozens of stanzas against several receivers and a bare "ECONNREFUSED" helps nobody.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { CORE_SETTINGS } from '../../../../conf/settings';
import type { SettingDef } from '../../../../conf/types';
import { resolveDataFile } from '../../../../util/paths';
import { PermanentError, RetryableError, type SampleSpec, type SettingProblem } from '../../../api';
import { checkByReading } from '../../../check';

/** `httpevent [stanza]`: the prefix of every message an output writes or throws. */
export function outputLabel(output: string, sample: SampleSpec): string {
  return `${output} [${sample.stanza}]`;
}

/**
 * The check() of a network output: runs `read`, the settings reader its create() runs (it opens
 * nothing), and reports what it throws without the `output [stanza]: ` prefix.
 */
export function readerCheck(output: string, read: (sample: SampleSpec) => unknown): (sample: SampleSpec) => SettingProblem[] {
  return checkByReading(read, (sample) => outputLabel(output, sample));
}

const TRUE = new Set(['1', 'true', 't', 'yes', 'y', 'on']);
const FALSE = new Set(['0', 'false', 'f', 'no', 'n', 'off']);
const CORE_BY_NAME = new Map(CORE_SETTINGS.map((d) => [d.name, d]));

/**
 * Typed access to a sample's settings with the declared defaults applied. The schema normally
 * delivers typed values; strings are still accepted and coerced here, so an output also works
 * when its settings were not registered (tests, or a runner that skipped plugin settings) — the
 * original did the same for httpeventServers, which it json-parsed itself.
 */
export class SettingsReader {
  readonly #defs = new Map<string, SettingDef>();

  constructor(
    readonly sample: SampleSpec,
    readonly who: string,
    ownDefs: readonly SettingDef[] = [],
  ) {
    for (const d of ownDefs) this.#defs.set(d.name, d);
  }

  /** The value as set, or the declared default; undefined when neither exists. */
  raw(name: string): unknown {
    const v = this.sample.settings[name];
    if (v !== undefined && v !== null) return v;
    return (this.#defs.get(name) ?? CORE_BY_NAME.get(name))?.default;
  }

  fail(name: string, value: unknown, problem: string): never {
    throw new PermanentError(`${this.who}: ${name} = ${JSON.stringify(value)} ${problem}`, { setting: name });
  }

  string(name: string): string | undefined {
    const v = this.raw(name);
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') return String(v);
    return v;
  }

  required(name: string, what: string): string {
    const v = this.string(name)?.trim();
    if (!v) throw new PermanentError(`${this.who}: ${name} is not set; it must name ${what}`, { setting: name });
    return v;
  }

  int(name: string, min = -Infinity, max = Infinity): number {
    return this.#number(name, /^[+-]?\d+$/, 'a whole number', min, max);
  }

  float(name: string, min = -Infinity, max = Infinity): number {
    return this.#number(name, /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/, 'a number', min, max);
  }

  bool(name: string): boolean {
    const v = this.raw(name);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const l = v.trim().toLowerCase();
      if (TRUE.has(l)) return true;
      if (FALSE.has(l)) return false;
    }
    if (typeof v === 'number') return v !== 0;
    return this.fail(name, v, 'must be true or false');
  }

  choice<T extends string>(name: string, values: readonly T[]): T {
    const v = this.raw(name);
    const s = typeof v === 'string' ? v.trim().toLowerCase() : v;
    const hit = values.find((x) => x.toLowerCase() === s);
    if (hit === undefined) return this.fail(name, v, `must be one of ${values.join(', ')}`);
    return hit;
  }

  #number(name: string, shape: RegExp, what: string, min: number, max: number): number {
    const v = this.raw(name);
    let n: number;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string' && shape.test(v.trim())) n = Number(v.trim());
    else return this.fail(name, v, `must be ${what}`);
    if (!Number.isFinite(n) || (what === 'a whole number' && !Number.isInteger(n))) return this.fail(name, v, `must be ${what}`);
    if (n < min) return this.fail(name, v, `must be at least ${min}`);
    if (n > max) return this.fail(name, v, `must be at most ${max}`);
    return n;
  }
}

/**
 * The instance key of a network output: its name plus every setting that shapes the client.
 * With `secret`, the settings include tokens or passwords, and the key — which a runner may well
 * log — carries only a digest of them.
 */
export function settingsKey(output: string, sample: SampleSpec, names: readonly string[], secret = false): string {
  const json = JSON.stringify(names.map((n) => sample.settings[n] ?? null));
  return `${output}:${secret ? createHash('sha256').update(json).digest('hex').slice(0, 24) : json}`;
}

export interface TlsSettings {
  readonly rejectUnauthorized: boolean;
  /** Node's bundled roots plus the CA file, when one is set (Node's `ca` replaces the roots). */
  readonly ca?: string[];
  readonly caFile?: string;
  /** Names of the settings, for advice in error messages. */
  readonly verifySetting: string;
  readonly caSetting: string;
}

/** Reads `<prefix>SslVerify` and `<prefix>CaFile`; a CA file that cannot be read stops the output. */
export function readTls(r: SettingsReader, verifySetting: string, caSetting: string): TlsSettings {
  const rejectUnauthorized = r.bool(verifySetting);
  const caPath = r.string(caSetting)?.trim();
  if (!caPath) return { rejectUnauthorized, verifySetting, caSetting };
  const { path } = resolveDataFile(caPath, [r.sample.confDir]);
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (e) {
    return r.fail(caSetting, caPath, `cannot be read (${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) return r.fail(caSetting, caPath, `holds no PEM certificate (${path})`);
  return { rejectUnauthorized, ca: [...rootCertificates, pem], caFile: path, verifySetting, caSetting };
}

/** SNI must not be an IP address (RFC 6066); Node warns if it is. */
export function serverNameFor(host: string): string | undefined {
  return isIP(host) ? undefined : host;
}

// Certificate checks that fail the same way on every retry: wrong CA, self-signed, expired,
// or a name that does not match. Retrying them only hides a configuration error.
const TLS_VERIFY_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function errorCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isTlsVerifyError(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && TLS_VERIFY_CODES.has(code);
}

// Errors after which the peer is gone or restarted (as opposed to slow): the connection, and any
// state tied to it such as a HEC ack channel, should be considered lost.
const CONNECTION_LOSS_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

export function isConnectionLoss(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && CONNECTION_LOSS_CODES.has(code);
}

/** A short, human description of a socket-level error, code included. */
export function describeError(e: unknown): string {
  const code = errorCode(e);
  // Not `instanceof Error`: errors from Node's core may come from another realm (vm, jest).
  const m = (e as { message?: unknown } | null)?.message;
  const msg = typeof m === 'string' ? m : String(e);
  if (!code || msg.includes(code)) return msg;
  return `${msg} (${code})`;
}

/** A certificate failure as a PermanentError that says how to fix it. */
export function tlsFailure(who: string, where: string, e: unknown, tls: TlsSettings): PermanentError {
  const fix = tls.caFile
    ? `check that ${tls.caSetting} (${tls.caFile}) holds the CA that signed it and that the certificate names the host`
    : `set ${tls.caSetting} to the CA that signed it, or ${tls.verifySetting} = false to skip verification`;
  return new PermanentError(`${who}: the TLS certificate of ${where} was rejected: ${describeError(e)}; ${fix}`);
}

/**
 * Classifies a socket-level failure talking to `where`: a certificate that fails verification is
 * permanent, anything else (refused, reset, timed out) is worth retrying. `doing` words the
 * retryable message (`cannot connect to tcp://…`); it defaults to `where`.
 */
export function networkFailure(who: string, where: string, e: unknown, tls?: TlsSettings, doing = where): PermanentError | RetryableError {
  if (e instanceof PermanentError || e instanceof RetryableError) return e;
  if (tls && isTlsVerifyError(e)) return tlsFailure(who, where, e, tls);
  return new RetryableError(`${who}: ${doing}: ${describeError(e)}`);
}

/** An Error with a Node-style `code`, for failures we raise ourselves (timeouts). */
export function codedError(code: string, message: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(message);
  e.code = code;
  return e;
}
