/**
 * A stand-in for Splunk's HTTP Event Collector, built from the documented protocol
 * (shared/docs/splunk-platform.md §6) and the constructed fixtures
 * (shared/fixtures/splunk/constructed/hec/): the response table below is responses.json, and a
 * test checks that it still is.
 *
 * What it does: HTTP or HTTPS on 127.0.0.1 (random port unless given); tokens checked the way
 * HEC does (`Authorization: Splunk <token>`, Basic with the token as password, `?token=` when the
 * token allows it); `/services/collector[/event[/1.0]]` with concatenated-JSON parsing that reports
 * `invalid-event-number`; `/services/collector/raw[/1.0]` (a channel is required, as the REST
 * reference says); gzip request bodies; channels and `/services/collector/ack`; `/health`.
 *
 * Modelling choices (not documented Splunk behaviour, chosen so tests can be exact):
 *  - A request with one bad event is refused as a whole: none of its events count.
 *  - Without ack, events count as indexed when the request is answered 200. With ack (token
 *    `useAck`), they are held: they count as indexed when their ackId is first reported `true`
 *    (no earlier than `ackDelayMs` after receipt; never while `withholdAcks` is set), and an
 *    answered-true ackId is forgotten, as HEC does. `kill()` drops what is held, like an indexer
 *    that dies with a full queue — so "every event exactly once" is testable across a restart.
 *  - Fault injection: `failNext(n, mode)` answers the next n data (or ack) requests with 503 Server
 *    is busy, 500 Internal server error, a closed socket, or no answer at all (hang).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** HEC's response bodies and statuses, as in fixtures/splunk/constructed/hec/responses.json. */
export const HEC_RESPONSES = {
  success: { http: 200, body: { text: 'Success', code: 0 } },
  token_disabled: { http: 403, body: { text: 'Token disabled', code: 1 } },
  token_required: { http: 401, body: { text: 'Token is required', code: 2 } },
  invalid_authorization: { http: 401, body: { text: 'Invalid authorization', code: 3 } },
  invalid_token: { http: 403, body: { text: 'Invalid token', code: 4 } },
  no_data: { http: 400, body: { text: 'No data', code: 5 } },
  invalid_data_format: { http: 400, body: { text: 'Invalid data format', code: 6 } },
  incorrect_index: { http: 400, body: { text: 'Incorrect index', code: 7 } },
  internal_error: { http: 500, body: { text: 'Internal server error', code: 8 } },
  server_busy: { http: 503, body: { text: 'Server is busy', code: 9 } },
  channel_missing: { http: 400, body: { text: 'Data channel is missing', code: 10 } },
  invalid_channel: { http: 400, body: { text: 'Invalid data channel', code: 11 } },
  event_field_required: { http: 400, body: { text: 'Event field is required', code: 12 } },
  event_field_blank: { http: 400, body: { text: 'Event field cannot be blank', code: 13 } },
  ack_disabled: { http: 400, body: { text: 'ACK is disabled', code: 14 } },
  indexed_fields_error: { http: 400, body: { text: 'Error in handling indexed fields', code: 15 } },
  query_string_auth_not_enabled: { http: 400, body: { text: 'Query string authorization is not enabled', code: 16 } },
  health_ok: { http: 200, body: { text: 'HEC is healthy', code: 17 } },
  health_queues_full: { http: 503, body: { text: 'HEC is unhealthy, queues are full', code: 18 } },
} as const;
type ResponseName = keyof typeof HEC_RESPONSES;

export interface HecToken {
  token: string;
  disabled?: boolean;
  useAck?: boolean;
  /** Allowed indexes; any index when unset. */
  indexes?: string[];
  allowQueryStringAuth?: boolean;
}

export interface HecStandInOptions {
  port?: number;
  /** PEM cert and key: serve HTTPS. */
  tls?: { cert: string; key: string };
  /** Plain strings are enabled tokens without ack. Default: one token, `DEFAULT_TOKEN`. */
  tokens?: (string | HecToken)[];
  ackDelayMs?: number;
  /** Data requests are answered this long after their body arrived (a loaded indexer). */
  responseDelayMs?: number;
}

export interface IndexedEvent {
  event: unknown;
  time?: unknown;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  fields?: unknown;
  endpoint: 'event' | 'raw';
  token: string;
  channel?: string;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** Body size on the wire (before gunzip). */
  bytes: number;
  status?: number;
  code?: number;
  /** Events in the request when it was accepted. */
  events?: number;
}

export type FaultMode = 'busy' | 'error' | 'close' | 'hang';

export const DEFAULT_TOKEN = '00000000-1111-2222-3333-444444444444';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface HeldAck {
  readyAt: number;
  events: IndexedEvent[];
}

export class HecStandIn {
  readonly indexed: IndexedEvent[] = [];
  readonly requests: RequestRecord[] = [];
  ackDelayMs: number;
  responseDelayMs: number;
  /** Data requests being handled right now, and the most seen at once. */
  inFlight = 0;
  maxInFlight = 0;
  withholdAcks = false;
  healthy = true;

  readonly #server: http.Server;
  readonly #tokens = new Map<string, HecToken>();
  readonly #sockets = new Set<Socket>();
  readonly #hanging = new Set<http.ServerResponse>();
  readonly #channels = new Map<string, { next: number; held: Map<number, HeldAck> }>();
  #faults: { mode: FaultMode; scope: 'data' | 'ack' }[] = [];

  private constructor(
    opts: HecStandInOptions,
    readonly protocol: 'http' | 'https',
  ) {
    this.ackDelayMs = opts.ackDelayMs ?? 0;
    this.responseDelayMs = opts.responseDelayMs ?? 0;
    for (const t of opts.tokens ?? [DEFAULT_TOKEN]) {
      const tok = typeof t === 'string' ? { token: t } : t;
      this.#tokens.set(tok.token, tok);
    }
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => void this.#handle(req, res);
    this.#server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : http.createServer(handler);
    this.#server.keepAliveTimeout = 30_000;
    this.#server.on('connection', (s: Socket) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
  }

  static async start(opts: HecStandInOptions = {}): Promise<HecStandIn> {
    const hec = new HecStandIn(opts, opts.tls ? 'https' : 'http');
    await new Promise<void>((resolve, reject) => {
      hec.#server.once('error', reject);
      hec.#server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    return hec;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** The `httpeventServers` entry for this stand-in. */
  server(key = DEFAULT_TOKEN): { protocol: string; address: string; port: number; key: string } {
    return { protocol: this.protocol, address: '127.0.0.1', port: this.port, key };
  }

  /** Events accepted but waiting for their ack to be queried. */
  get held(): number {
    let n = 0;
    for (const c of this.#channels.values()) for (const h of c.held.values()) n += h.events.length;
    return n;
  }

  /** Data requests (event/raw) received, whatever their outcome. */
  get dataRequests(): number {
    return this.requests.filter((r) => /\/services\/collector(\/event|\/raw)?(\/1\.0)?$/.test(r.path)).length;
  }

  failNext(n: number, mode: FaultMode, scope: 'data' | 'ack' = 'data'): void {
    for (let i = 0; i < n; i++) this.#faults.push({ mode, scope });
  }

  /** Closes the listener and every connection at once; held (unacknowledged) events are lost. */
  async kill(): Promise<void> {
    this.#channels.clear();
    for (const r of this.#hanging) r.destroy();
    this.#hanging.clear();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    await closed;
  }

  /** Same as kill(); the name says the test is done with it. */
  stop(): Promise<void> {
    return this.kill();
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const wire = Buffer.concat(chunks);
    const rec: RequestRecord = { method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, bytes: wire.length };
    this.requests.push(rec);
    const isData = /^\/services\/collector(\/event|\/raw)?(\/1\.0)?\/*$/.test(url.pathname);
    if (isData) {
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      res.once('close', () => this.inFlight--);
      if (this.responseDelayMs > 0) await new Promise((r) => setTimeout(r, this.responseDelayMs));
    }
    const reply = (name: ResponseName, extra: Record<string, unknown> = {}): void => {
      const r = HEC_RESPONSES[name];
      rec.status = r.http;
      rec.code = r.body.code;
      send(res, r.http, { ...r.body, ...extra });
    };

    const path = url.pathname.replace(/\/+$/, '');
    if (/^\/services\/collector\/health(\/1\.0)?$/.test(path)) return reply(this.healthy ? 'health_ok' : 'health_queues_full');
    const kind = /^\/services\/collector(\/event(\/1\.0)?)?$/.test(path)
      ? 'event'
      : /^\/services\/collector\/raw(\/1\.0)?$/.test(path)
        ? 'raw'
        : path === '/services/collector/ack'
          ? 'ack'
          : undefined;
    if (!kind || req.method !== 'POST') {
      rec.status = 404;
      return send(res, 404, { text: 'The requested URL was not found on this server.', code: 404 });
    }

    const fi = this.#faults.findIndex((f) => f.scope === (kind === 'ack' ? 'ack' : 'data'));
    if (fi >= 0) {
      const [fault] = this.#faults.splice(fi, 1);
      if (fault.mode === 'busy') return reply('server_busy');
      if (fault.mode === 'error') return reply('internal_error');
      if (fault.mode === 'close') return void req.socket.destroy();
      this.#hanging.add(res);
      return;
    }

    const auth = this.#authenticate(req, url);
    if (typeof auth === 'string') return reply(auth);
    const token = auth;

    const channel = (req.headers['x-splunk-request-channel'] as string | undefined) ?? url.searchParams.get('channel') ?? undefined;
    if (channel !== undefined && !GUID.test(channel)) return reply('invalid_channel');

    if (kind === 'ack') {
      if (!token.useAck) return reply('ack_disabled');
      if (!channel) return reply('channel_missing');
      let ids: unknown;
      try {
        ids = (JSON.parse(wire.toString('utf8')) as { acks?: unknown }).acks;
      } catch {
        return reply('invalid_data_format');
      }
      if (!Array.isArray(ids)) return reply('invalid_data_format');
      return send(res, 200, { acks: this.#answerAcks(channel, ids) }, rec);
    }

    if (token.useAck && !channel) return reply('channel_missing');
    if (kind === 'raw' && !channel) return reply('channel_missing');

    let body: Buffer = wire;
    if (/gzip/i.test(String(req.headers['content-encoding'] ?? ''))) {
      try {
        body = gunzipSync(wire);
      } catch {
        return reply('invalid_data_format');
      }
    }
    const text = body.toString('utf8');
    if (text.trim() === '') return reply('no_data');

    const parsed = kind === 'event' ? parseEvents(text, token, url.searchParams) : parseRaw(text, url.searchParams);
    if ('error' in parsed) return reply(parsed.error, parsed.at !== undefined ? { 'invalid-event-number': parsed.at } : {});
    const events: IndexedEvent[] = parsed.events.map((e) => ({ ...e, endpoint: kind, token: token.token, channel }));
    rec.events = events.length;

    if (!token.useAck) {
      this.indexed.push(...events);
      return reply('success');
    }
    const ch = this.#channel(channel!);
    const ackId = ch.next++;
    ch.held.set(ackId, { readyAt: Date.now() + this.ackDelayMs, events });
    return reply('success', { ackId });
  }

  #channel(id: string): { next: number; held: Map<number, HeldAck> } {
    let ch = this.#channels.get(id);
    if (!ch) {
      ch = { next: 0, held: new Map() };
      this.#channels.set(id, ch);
    }
    return ch;
  }

  #answerAcks(channel: string, ids: unknown[]): Record<string, boolean> {
    const ch = this.#channels.get(channel);
    const out: Record<string, boolean> = {};
    const now = Date.now();
    for (const id of ids) {
      const held = typeof id === 'number' ? ch?.held.get(id) : undefined;
      const ready = held !== undefined && !this.withholdAcks && now >= held.readyAt;
      if (ready) {
        this.indexed.push(...held.events);
        ch!.held.delete(id as number);
      }
      out[String(id)] = ready;
    }
    return out;
  }

  #authenticate(req: http.IncomingMessage, url: URL): HecToken | ResponseName {
    let value: string | undefined;
    const q = url.searchParams.get('token');
    const header = req.headers.authorization;
    if (q !== null) {
      const t = this.#tokens.get(q);
      if (t && !t.allowQueryStringAuth) return 'query_string_auth_not_enabled';
      value = q;
    } else if (header === undefined) {
      return 'token_required';
    } else {
      const m = /^Splunk\s+(\S+)\s*$/i.exec(header);
      const b = /^Basic\s+(\S+)\s*$/i.exec(header);
      if (m) value = m[1];
      else if (b) value = Buffer.from(b[1], 'base64').toString('utf8').split(':').slice(1).join(':');
      else return 'invalid_authorization';
    }
    const t = value ? this.#tokens.get(value) : undefined;
    if (!t) return 'invalid_token';
    if (t.disabled) return 'token_disabled';
    return t;
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, rec?: RequestRecord): void {
  if (rec) rec.status = status;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

type Parsed = { events: Omit<IndexedEvent, 'endpoint' | 'token' | 'channel'>[] } | { error: ResponseName; at?: number };

/**
 * Splits a body of concatenated JSON objects (`{…}{…}`, whitespace allowed between them) and checks
 * each one as HEC does; the first bad object's position is `invalid-event-number`.
 */
export function splitConcatenatedJson(text: string): { objects: string[] } | { at: number } {
  const objects: string[] = [];
  let i = 0;
  const n = text.length;
  while (true) {
    while (i < n && /\s/.test(text[i])) i++;
    if (i >= n) return { objects };
    if (text[i] !== '{') return { at: objects.length };
    const start = i;
    let depth = 0;
    let inString = false;
    for (; i < n; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (i >= n) return { at: objects.length };
    objects.push(text.slice(start, ++i));
  }
}

function parseEvents(text: string, token: HecToken, q: URLSearchParams): Parsed {
  const split = splitConcatenatedJson(text);
  if ('at' in split) return { error: 'invalid_data_format', at: split.at };
  const events: Omit<IndexedEvent, 'endpoint' | 'token' | 'channel'>[] = [];
  for (let i = 0; i < split.objects.length; i++) {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(split.objects[i]) as Record<string, unknown>;
    } catch {
      return { error: 'invalid_data_format', at: i };
    }
    if (!('event' in o) || o.event === null) return { error: 'event_field_required', at: i };
    if (typeof o.event === 'string' && o.event.trim() === '') return { error: 'event_field_blank', at: i };
    if (o.time !== undefined && !(typeof o.time === 'number' || (typeof o.time === 'string' && /^\d+(\.\d+)?$/.test(o.time)))) {
      return { error: 'invalid_data_format', at: i };
    }
    if (o.fields !== undefined && !flatFields(o.fields)) return { error: 'indexed_fields_error', at: i };
    const index = str(o.index) ?? q.get('index') ?? undefined;
    if (index !== undefined && token.indexes && !token.indexes.includes(index)) return { error: 'incorrect_index', at: i };
    events.push({
      event: o.event,
      time: o.time ?? q.get('time') ?? undefined,
      host: str(o.host) ?? q.get('host') ?? undefined,
      source: str(o.source) ?? q.get('source') ?? undefined,
      sourcetype: str(o.sourcetype) ?? q.get('sourcetype') ?? undefined,
      index,
      fields: o.fields,
    });
  }
  return { events };
}

/** Indexed fields are flat: strings, numbers, or arrays of them; no nested objects. */
function flatFields(f: unknown): boolean {
  if (f === null || typeof f !== 'object' || Array.isArray(f)) return false;
  const flat = (v: unknown): boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  return Object.values(f).every((v) => flat(v) || (Array.isArray(v) && v.every(flat)));
}

/** Raw bodies are line-broken; the default props break every line, which is what we model. */
function parseRaw(text: string, q: URLSearchParams): Parsed {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return {
    events: lines.map((l) => ({
      event: l,
      host: q.get('host') ?? undefined,
      source: q.get('source') ?? undefined,
      sourcetype: q.get('sourcetype') ?? undefined,
      index: q.get('index') ?? undefined,
    })),
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export interface TestCert {
  dir: string;
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

/**
 * A self-signed certificate made with the openssl CLI in a fresh temp dir. `altNames` are
 * subjectAltName entries such as `IP:127.0.0.1` or `DNS:wrong.example`. The certificate is its own
 * CA (openssl's req -x509 default extensions say CA:TRUE), so it can be given as a CA file.
 */
export function makeTestCert(altNames: string[], cn = 'eventgen-test'): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'evg-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const cnf = join(dir, 'openssl.cnf');
  // Our own minimal config, so the result does not depend on the distribution's openssl.cnf.
  writeFileSync(
    cnf,
    [
      '[req]',
      'distinguished_name = dn',
      'x509_extensions = ext',
      'prompt = no',
      '[dn]',
      `CN = ${cn}`,
      '[ext]',
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, keyCertSign, digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth',
      `subjectAltName = ${altNames.join(', ')}`,
      '',
    ].join('\n'),
  );
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-config', cnf, '-keyout', keyFile, '-out', certFile], { stdio: 'pipe' });
  return { dir, certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}
