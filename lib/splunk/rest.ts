/**
 * REST client for splunkd: reads `configs/conf-eventgen` (all pages) and the app list with the
 * session key a modular input receives on stdin (shared/docs/splunk-platform.md §2, §3).
 *
 * This is the only module that touches `splunk-sdk`. By default requests go through node:https
 * ({@link SplunkRestClientOptions.transport} `'https'`), deliberately, because splunk-sdk 2.0.2:
 *  - forces `rejectUnauthorized: false` on every request, so TLS can never be verified;
 *  - runs `require("dotenv").config()` when loaded, importing a `.env` from the *current
 *    directory* into process.env (dotenv 16.0.0's `config()` ignores DOTENV_CONFIG_PATH, which
 *    only its `dotenv/config` preload reads), and rewrites `process.env.LOG_LEVEL`;
 *  - prints splunkd's response messages with console.log/info, i.e. to **stdout**, which is the
 *    modular input's event stream, when LOG_LEVEL is 3 or 4 (verified);
 *  - has no types and reports errors as untyped objects (`status: 600` or `"abort"`).
 * `transport: 'splunk-sdk'` remains available and passes the same tests; {@link loadSplunkSdk}
 * loads it without its side effects.
 *
 * TLS policy for the https transport: splunkd's default certificate is issued to
 * `SplunkServerDefaultCert` by `$SPLUNK_HOME/etc/auth/cacert.pem`, so a hostname check against
 * 127.0.0.1 fails even when the CA is trusted. For a loopback `server_uri` (what splunkd hands a
 * modular input) verification is therefore off by default: the traffic never leaves the host.
 * For any other host it is on. Strict setups pass `tls: { rejectUnauthorized: true, ca,
 * servername: 'SplunkServerDefaultCert' }`.
 */
import http from 'node:http';
import https from 'node:https';

export interface ConfStanzaEntry {
  /** The stanza name, verbatim (regex stanza names included). */
  name: string;
  /** The app that defines the stanza (`acl.app`, else `eai:acl.app`, else `eai:appName`). */
  app: string;
  /**
   * From `content.disabled`. Note that splunkd always reports it (false when unset), so REST
   * cannot tell "disabled = false" from "not set"; it is therefore not repeated in `settings`.
   */
  disabled: boolean;
  /** Conf values as strings, without `eai:*` keys and without `disabled`. */
  settings: Record<string, string>;
}

export interface SplunkApp {
  name: string;
  disabled: boolean;
  visible: boolean;
  label?: string;
  version?: string;
}

export interface SplunkServerInfo {
  serverName: string;
  version: string;
  build?: string;
}

/** The subset of a pino logger this client uses. */
export interface RestLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface SplunkRestClientOptions {
  /** `server_uri` from the input definition, e.g. `https://127.0.0.1:8089`. */
  serverUri: string;
  /** `session_key` from the input definition; sent as `Authorization: Splunk <key>`. */
  sessionKey: string;
  /** Limit for one attempt (connect + response + body), default 10 s. */
  timeoutMs?: number;
  /** Further attempts after a 5xx/429, timeout or connection error; default 3. */
  retries?: number;
  /** First backoff delay, doubled per attempt with jitter; default 250 ms, capped by retryMaxMs. */
  retryBaseMs?: number;
  /** Largest backoff delay; default 4 s. */
  retryMaxMs?: number;
  /** Entries per request (`count`); default 100. 0 asks for everything at once. */
  pageSize?: number;
  logger?: RestLogger;
  tls?: { rejectUnauthorized?: boolean; ca?: string | Buffer; servername?: string };
  /** `'https'` (default; node:http/https) or `'splunk-sdk'` (cannot verify TLS). */
  transport?: 'https' | 'splunk-sdk';
}

export type SplunkRestErrorKind =
  | 'unauthorized' | 'forbidden' | 'not_found' | 'http' | 'timeout' | 'network' | 'tls' | 'bad_response' | 'config';

export class SplunkRestError extends Error {
  constructor(
    message: string,
    readonly kind: SplunkRestErrorKind,
    /** The request, without the host (never contains the session key). */
    readonly request: string,
    readonly status?: number,
    readonly attempts = 1,
    /** `messages[].text` from splunkd's JSON body, if any. */
    readonly splunkMessages: string[] = [],
  ) {
    super(message);
    this.name = 'SplunkRestError';
  }
}

interface RawResponse {
  status: number;
  /** Parsed JSON body, or undefined if the body is empty or not JSON. */
  body: unknown;
}

/** A failure below HTTP (no status): timeout, connection, TLS. */
class TransportFailure extends Error {
  constructor(message: string, readonly kind: 'timeout' | 'network' | 'tls') {
    super(message);
  }
}

type Transport = (path: string, query: Record<string, string>, timeoutMs: number) => Promise<RawResponse>;

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MAX_PAGES = 10_000;

export class SplunkRestClient {
  private readonly base: URL;
  private readonly transport: Transport;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly pageSize: number;
  private readonly log?: RestLogger;
  private readonly agent?: http.Agent;

  constructor(opts: SplunkRestClientOptions) {
    try {
      this.base = new URL(opts.serverUri);
    } catch {
      throw new SplunkRestError(`server_uri ${JSON.stringify(opts.serverUri)} is not a URL`, 'config', '');
    }
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') {
      throw new SplunkRestError(`server_uri ${opts.serverUri} must be http(s)`, 'config', '');
    }
    if (!opts.sessionKey) throw new SplunkRestError('the session key is empty', 'config', '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.retries = Math.max(0, opts.retries ?? 3);
    this.retryBaseMs = opts.retryBaseMs ?? 250;
    this.retryMaxMs = opts.retryMaxMs ?? 4_000;
    this.pageSize = Math.max(0, opts.pageSize ?? 100);
    this.log = opts.logger;
    if (opts.transport === 'splunk-sdk') {
      if (opts.tls?.rejectUnauthorized || opts.tls?.ca) {
        throw new SplunkRestError('the splunk-sdk transport cannot verify TLS (it forces rejectUnauthorized: false); use transport "https"', 'config', '');
      }
      this.transport = sdkTransport(this.base, opts.sessionKey);
    } else {
      const isHttps = this.base.protocol === 'https:';
      const verify = opts.tls?.rejectUnauthorized ?? !isLoopback(this.base.hostname);
      // One keep-alive agent per client: paging reuses the connection, close() releases it.
      this.agent = isHttps
        ? new https.Agent({ keepAlive: true, maxSockets: 2, rejectUnauthorized: verify, ca: opts.tls?.ca, servername: opts.tls?.servername })
        : new http.Agent({ keepAlive: true, maxSockets: 2 });
      this.transport = httpTransport(this.base, opts.sessionKey, this.agent);
    }
  }

  /** Releases kept-alive connections. The client must not be used afterwards. */
  close(): void {
    this.agent?.destroy();
  }

  /**
   * All stanzas of `<confName>.conf` visible in `/servicesNS/nobody/-/` (every app), reading every
   * page. splunkd answers 200 with no entries for a conf file that does not exist, so that gives
   * `[]`. With the `-` app wildcard a stanza name may come once per defining app; by default the
   * first occurrence wins, as Splunk's own `splunk.entity.getEntities` does (`duplicates: 'all'`
   * keeps them all, each with its app).
   */
  async fetchConfStanzas(
    confName = 'eventgen',
    opts: { owner?: string; app?: string; duplicates?: 'first' | 'all' } = {},
  ): Promise<ConfStanzaEntry[]> {
    if (!/^[A-Za-z0-9_.-]+$/.test(confName)) {
      throw new SplunkRestError(`conf file name ${JSON.stringify(confName)} is not valid`, 'config', '');
    }
    const path = `/servicesNS/${encodeURIComponent(opts.owner ?? 'nobody')}/${encodeURIComponent(opts.app ?? '-')}/configs/conf-${confName}`;
    const entries = await this.fetchAllEntries(path);
    const out: ConfStanzaEntry[] = [];
    const seen = new Map<string, string>();
    for (const entry of entries) {
      const stanza = toConfStanza(entry, path);
      const firstApp = seen.get(stanza.name);
      if (firstApp !== undefined && opts.duplicates !== 'all') {
        this.log?.debug({ stanza: stanza.name, kept: firstApp, dropped: stanza.app }, 'duplicate stanza name across apps; keeping the first');
        continue;
      }
      seen.set(stanza.name, stanza.app);
      out.push(stanza);
    }
    return out;
  }

  /** Installed apps (`/services/apps/local`), so disabled apps can be skipped. */
  async listApps(): Promise<SplunkApp[]> {
    const path = '/services/apps/local';
    return (await this.fetchAllEntries(path)).map((e) => {
      const name = typeof e.name === 'string' ? e.name : undefined;
      if (!name) throw badResponse(path, 'an apps/local entry has no name');
      const c = isObject(e.content) ? e.content : {};
      const app: SplunkApp = { name, disabled: toBool(c.disabled, false), visible: toBool(c.visible, true) };
      if (typeof c.label === 'string') app.label = c.label;
      if (typeof c.version === 'string') app.version = c.version;
      return app;
    });
  }

  /** `server/info`: the server's name and version. */
  async serverInfo(): Promise<SplunkServerInfo> {
    const path = '/services/server/info';
    const res = await this.get(path, { output_mode: 'json' });
    const entry = feedEntries(res.body, path)[0];
    const c = entry && isObject(entry.content) ? entry.content : undefined;
    if (!c || typeof c.serverName !== 'string' || typeof c.version !== 'string') throw badResponse(path, 'server/info has no serverName/version');
    return { serverName: c.serverName, version: c.version, ...(typeof c.build === 'string' ? { build: c.build } : {}) };
  }

  /** Follows `count`/`offset` paging until `paging.total` entries (or an empty page) arrive. */
  private async fetchAllEntries(path: string): Promise<Array<Record<string, unknown>>> {
    const all: Array<Record<string, unknown>> = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const offset = all.length;
      const res = await this.get(path, { output_mode: 'json', count: String(this.pageSize), offset: String(offset) });
      const entries = feedEntries(res.body, path);
      all.push(...entries);
      const paging = isObject(res.body) && isObject(res.body.paging) ? res.body.paging : {};
      const total = typeof paging.total === 'number' ? paging.total : undefined;
      if (entries.length === 0 || this.pageSize === 0) return all;
      if (total !== undefined ? all.length >= total : entries.length < this.pageSize) return all;
    }
    throw badResponse(path, `paging did not end after ${MAX_PAGES} pages`);
  }

  /** One GET with retries; returns 2xx responses, maps everything else to SplunkRestError. */
  private async get(path: string, query: Record<string, string>): Promise<RawResponse> {
    const request = `GET ${path}`;
    for (let attempt = 1; ; attempt++) {
      const last = attempt > this.retries;
      let res: RawResponse;
      try {
        res = await this.transport(path, query, this.timeoutMs);
      } catch (e) {
        const f = e instanceof TransportFailure ? e : new TransportFailure(String((e as Error)?.message ?? e), 'network');
        // A certificate that does not verify will not verify on the next attempt either.
        if (last || f.kind === 'tls') {
          const what = f.kind === 'timeout' ? `got no complete answer within ${this.timeoutMs} ms`
            : f.kind === 'tls' ? `failed TLS verification (${f.message})`
            : `could not reach splunkd at ${this.base.origin} (${f.message})`;
          throw new SplunkRestError(`${request} ${what}; ${attempt} attempt(s)`, f.kind, request, undefined, attempt);
        }
        await this.backoff(attempt, request, f.message);
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;
      const texts = splunkMessages(res.body);
      const detail = texts.length ? `: ${texts.join('; ')}` : '';
      if ((res.status >= 500 || res.status === 429) && !last) {
        await this.backoff(attempt, request, `HTTP ${res.status}${detail}`);
        continue;
      }
      throw httpError(request, res.status, detail, attempt, texts);
    }
  }

  private async backoff(attempt: number, request: string, reason: string): Promise<void> {
    const cap = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (attempt - 1));
    const delay = Math.round(cap / 2 + Math.random() * (cap / 2));
    this.log?.warn({ request, attempt, retryInMs: delay, reason }, 'splunkd request failed; retrying');
    await new Promise((r) => setTimeout(r, delay));
  }
}

function httpError(request: string, status: number, detail: string, attempts: number, texts: string[]): SplunkRestError {
  switch (status) {
    case 401:
      return new SplunkRestError(`${request}: splunkd rejected the session key (HTTP 401)${detail}. It may have expired; splunkd passes a fresh one when it restarts the input.`, 'unauthorized', request, status, attempts, texts);
    case 403:
      return new SplunkRestError(`${request}: the session's user may not read this (HTTP 403)${detail}`, 'forbidden', request, status, attempts, texts);
    case 404:
      // configs/conf-* answers 200 with no entries for a missing file, so a 404 means the
      // endpoint (or the named stanza) does not exist.
      return new SplunkRestError(`${request}: no such endpoint on splunkd (HTTP 404)${detail}`, 'not_found', request, status, attempts, texts);
    default:
      return new SplunkRestError(`${request} failed with HTTP ${status}${detail}; ${attempts} attempt(s)`, 'http', request, status, attempts, texts);
  }
}

function badResponse(path: string, why: string): SplunkRestError {
  return new SplunkRestError(`GET ${path}: unexpected response from splunkd: ${why}`, 'bad_response', `GET ${path}`);
}

function feedEntries(body: unknown, path: string): Array<Record<string, unknown>> {
  if (!isObject(body) || !Array.isArray(body.entry)) throw badResponse(path, 'the JSON body has no "entry" list');
  return body.entry.map((e, i) => {
    if (!isObject(e)) throw badResponse(path, `entry ${i} is not an object`);
    return e;
  });
}

function toConfStanza(entry: Record<string, unknown>, path: string): ConfStanzaEntry {
  const name = entry.name;
  if (typeof name !== 'string') throw badResponse(path, 'an entry has no name');
  const content = isObject(entry.content) ? entry.content : {};
  const acl = isObject(entry.acl) ? entry.acl : undefined;
  const eaiAcl = isObject(content['eai:acl']) ? content['eai:acl'] : undefined;
  const app = [acl?.app, eaiAcl?.app, content['eai:appName']].find((a): a is string => typeof a === 'string' && a !== '');
  // Eventgen finds samples under the defining app, so an entry without one is unusable.
  if (!app) throw badResponse(path, `stanza ${JSON.stringify(name)} has no app (acl.app / eai:acl.app / eai:appName)`);
  const settings: Record<string, string> = {};
  for (const [k, v] of Object.entries(content)) {
    if (k.startsWith('eai:') || k === 'disabled') continue;
    if (typeof v === 'string') settings[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') settings[k] = String(v);
  }
  return { name, app, disabled: toBool(content.disabled, false), settings };
}

/** Splunk booleans: JSON true/false, or the conf spellings 1/0, true/false, t/f, yes/no, on/off. */
function toBool(v: unknown, dflt: boolean): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['1', 'true', 't', 'yes', 'y', 'on'].includes(s)) return true;
    if (['0', 'false', 'f', 'no', 'n', 'off', ''].includes(s)) return false;
  }
  return dflt;
}

function splunkMessages(body: unknown): string[] {
  if (!isObject(body) || !Array.isArray(body.messages)) return [];
  return body.messages.filter(isObject).map((m) => String(m.text ?? '')).filter((t) => t !== '');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|HOSTNAME|ALTNAME|DEPTH_ZERO/;

function httpTransport(base: URL, sessionKey: string, agent: http.Agent): Transport {
  const lib = base.protocol === 'https:' ? https : http;
  return (path, query, timeoutMs) =>
    new Promise<RawResponse>((resolve, reject) => {
      const url = new URL(path, base);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      let settled = false;
      const finish = (err: TransportFailure | undefined, res?: RawResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(res as RawResponse);
      };
      const req = lib.request(url, {
        method: 'GET',
        agent,
        headers: { Authorization: `Splunk ${sessionKey}`, Accept: 'application/json', 'User-Agent': 'eventgen-node' },
      });
      // One deadline for the whole exchange; destroying the request also ends a body that stalls.
      const timer = setTimeout(() => {
        finish(new TransportFailure(`no complete answer within ${timeoutMs} ms`, 'timeout'));
        req.destroy();
      }, timeoutMs);
      req.on('error', (e: NodeJS.ErrnoException) => {
        const code = e.code ?? '';
        finish(new TransportFailure(`${code ? code + ': ' : ''}${e.message}`, TLS_CODES.test(code) ? 'tls' : 'network'));
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) {
            finish(new TransportFailure(`response body larger than ${MAX_BODY_BYTES} bytes`, 'network'));
            req.destroy();
          } else chunks.push(c);
        });
        res.on('error', (e) => finish(new TransportFailure(e.message, 'network')));
        res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, body: parseJson(Buffer.concat(chunks).toString('utf8')) }));
      });
      req.end();
    });
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// splunk-sdk, loaded without its side effects
// ─────────────────────────────────────────────────────────────────────────────────────────────

interface SdkResponse { status: number | string; data?: unknown; error?: unknown }
interface SdkService { get(path: string, params: Record<string, string>, responseTimeout?: number): Promise<SdkResponse> }
interface SplunkSdk {
  Service: new (params: Record<string, unknown>) => SdkService;
  Logger: Record<'log' | 'info' | 'warn' | 'error', (...args: unknown[]) => void>;
}

let sdkModule: SplunkSdk | undefined;

/**
 * Loads splunk-sdk once, undoing what loading it does to the process: any process.env key its
 * dotenv call added (from a `.env` in the current directory) is removed, and any it changed
 * (LOG_LEVEL) is restored. This is synchronous, so nothing else on this thread can observe the
 * interim environment, and, unlike switching the working directory, it cannot disturb worker
 * threads that resolve relative paths meanwhile. Its Logger is silenced so it never prints to
 * stdout; splunkd's messages reach the caller inside SplunkRestError instead.
 */
export function loadSplunkSdk(): SplunkSdk {
  if (sdkModule) return sdkModule;
  const before = new Map(Object.entries(process.env));
  let mod: SplunkSdk;
  try {
    mod = require('splunk-sdk') as SplunkSdk;
  } finally {
    for (const key of Object.keys(process.env)) {
      if (!before.has(key)) delete process.env[key];
    }
    for (const [key, value] of before) {
      if (process.env[key] !== value) process.env[key] = value;
    }
  }
  const quiet = () => undefined;
  mod.Logger.log = mod.Logger.info = mod.Logger.warn = mod.Logger.error = quiet;
  sdkModule = mod;
  return mod;
}

function sdkTransport(base: URL, sessionKey: string): Transport {
  const sdk = loadSplunkSdk();
  const defaultPort = base.protocol === 'https:' ? 443 : 80;
  const service = new sdk.Service({
    scheme: base.protocol.slice(0, -1),
    host: base.hostname.replace(/^\[|\]$/g, ''),
    port: base.port ? Number(base.port) : defaultPort,
    sessionKey,
    version: '9.0',
    autologin: false,
  });
  return async (path, query, timeoutMs) => {
    let res: SdkResponse;
    try {
      // An absolute path is used as is; the SDK adds output_mode=json itself.
      res = await service.get(path, query, timeoutMs);
    } catch (e) {
      res = e as SdkResponse;
    }
    if (res?.status === 'abort') throw new TransportFailure(`no answer within ${timeoutMs} ms`, 'timeout');
    if (typeof res?.status !== 'number' || res.status === 600 || res.status === 0) {
      const err = res?.error as NodeJS.ErrnoException | undefined;
      throw new TransportFailure(err?.code ? `${err.code}: ${err.message}` : String(err ?? 'request failed'), 'network');
    }
    return { status: res.status, body: typeof res.data === 'string' ? parseJson(res.data) : res.data };
  };
}
