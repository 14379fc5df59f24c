/**
 * The HEC server list: parsing `httpeventServers`, and the rotation that spreads payloads over
 * the live servers and rests the ones that keep failing.
 */
import { PermanentError } from '../../../api';

export interface HecServerSpec {
  /** 1-based position in httpeventServers, as users count. */
  readonly n: number;
  readonly protocol: 'http' | 'https';
  readonly address: string;
  readonly port: number;
  readonly key: string;
}

const EXAMPLE = '{"servers":[{"protocol":"https","address":"splunk.example.com","port":"8088","key":"<HEC token>"}]}';

/** Validates httpeventServers; every problem names the setting and the server. */
export function parseHecServers(value: unknown, who: string): HecServerSpec[] {
  const bad = (msg: string): never => {
    throw new PermanentError(`${who}: httpeventServers: ${msg}`, { setting: 'httpeventServers' });
  };
  if (value === undefined || value === null || value === '') bad(`is not set; expected JSON like ${EXAMPLE}`);
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch (e) {
      bad(`is not valid JSON (${(e as Error).message}); expected JSON like ${EXAMPLE}`);
    }
  }
  const list = (v as { servers?: unknown } | null)?.servers;
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !Array.isArray(list)) {
    return bad(`must be a JSON object with a "servers" list, like ${EXAMPLE}; got ${short(v)}`);
  }
  if (list.length === 0) bad('"servers" is empty');
  return list.map((s: unknown, i: number) => parseServer(s, i + 1, bad));
}

function parseServer(s: unknown, n: number, bad: (msg: string) => never): HecServerSpec {
  if (s === null || typeof s !== 'object' || Array.isArray(s)) return bad(`server ${n} is not a JSON object: ${short(s)}`);
  const o = s as Record<string, unknown>;
  for (const k of ['protocol', 'address', 'port', 'key']) {
    if (o[k] === undefined || o[k] === null || (typeof o[k] === 'string' && (o[k] as string).trim() === '')) bad(`server ${n} has no "${k}"`);
  }
  const protocol = String(o.protocol).trim().toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') bad(`server ${n} has "protocol": ${short(o.protocol)}; expected "http" or "https"`);
  if (typeof o.address !== 'string') return bad(`server ${n} has "address": ${short(o.address)}; expected a host name or IP address`);
  const address = o.address.trim().replace(/^\[(.*)\]$/, '$1');
  if (/[/\s]/.test(address)) bad(`server ${n} has "address": ${short(o.address)}; expected only a host name or IP address, without scheme, port or path`);
  const port = typeof o.port === 'number' ? o.port : /^\s*\d+\s*$/.test(String(o.port)) ? Number(o.port) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) bad(`server ${n} has "port": ${short(o.port)}; expected a number from 1 to 65535`);
  if (typeof o.key !== 'string') return bad(`server ${n} has "key": ${short(o.key)}; expected the HEC token as a string`);
  return { n, protocol: protocol as 'http' | 'https', address, port, key: o.key.trim() };
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
}

/** Health bookkeeping of one server. */
export interface Rotating {
  /** Consecutive failures. */
  failures: number;
  /** Epoch ms until which the server is out of rotation; 0 when in. */
  outUntil: number;
}

/**
 * Round robin over the servers that are in rotation. A server that fails `allowFailures` times in
 * a row is taken out for `backoffMs`; after that it is tried again, and its next failure takes it
 * out again at once (its count is still at the limit) while a success puts it back for good.
 */
export class Rotation<S extends Rotating> {
  #next = 0;

  constructor(
    readonly servers: readonly S[],
    private readonly allowFailures: number,
    private readonly backoffMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  isIn(s: S): boolean {
    return s.outUntil <= this.now();
  }

  /** The next server in rotation that is not in `skip`, advancing the cursor past it. */
  pick(skip: ReadonlySet<S>): S | undefined {
    const n = this.servers.length;
    for (let i = 0; i < n; i++) {
      const s = this.servers[(this.#next + i) % n];
      if (!skip.has(s) && this.isIn(s)) {
        this.#next = (this.#next + i + 1) % n;
        return s;
      }
    }
    return undefined;
  }

  /** Milliseconds until the first resting server is back (0 if one is in rotation). */
  waitMs(): number {
    const t = this.now();
    return Math.max(0, Math.min(...this.servers.map((s) => s.outUntil - t)));
  }

  /** Records a success; true when the server had been out of rotation. */
  succeeded(s: S): boolean {
    const wasOut = s.failures >= this.allowFailures;
    s.failures = 0;
    s.outUntil = 0;
    return wasOut;
  }

  /** Records a failure; true when it takes the server out of rotation. */
  failed(s: S): boolean {
    s.failures++;
    if (s.failures < this.allowFailures) return false;
    s.outUntil = this.now() + this.backoffMs;
    return true;
  }
}
