/**
 * `outputMode = splunkstream`: events to splunkd's management port through the REST receiver
 * `POST /services/receivers/simple?index=&source=&sourcetype=&host=[&host_regex=]`, as the original
 * did (the endpoint is the one splunk-sdk's `Service.log` / `Index.submitEvent` use). Events are
 * grouped by (index, source, sourcetype, host), each group's raws joined by newlines; splunkd
 * breaks them into events with the sourcetype's props.
 *
 * Authentication: `sessionKey` when set (e.g. the modular input's), otherwise a login with
 * splunkUser/splunkPass (`POST /services/auth/login`); an expired login is renewed once per
 * request. TLS is verified by default, unlike the original; splunkd's stock certificate is signed
 * by $SPLUNK_HOME/etc/auth/cacert.pem, which is what splunkCaFile is for.
 */
import type { SettingDef } from '../../../conf/types';
import { PLUGIN_API_VERSION, PermanentError, RetryableError, type EventRecord, type Output, type OutputBatch, type OutputPlugin, type SampleSpec } from '../../api';
import { networkFailure, outputLabel, readerCheck, readTls, SettingsReader, settingsKey, type TlsSettings } from './internal/common';
import { baseUrl, httpRequest, makeEndpoint, retryAfterMs, type HttpEndpoint, type HttpResponse } from './internal/http-client';

const GROUP = 'Output: splunkstream';

export const SPLUNKSTREAM_SETTINGS: readonly SettingDef[] = [
  { name: 'splunkSslVerify', type: 'bool', default: true, inherit: true, group: GROUP, doc: 'With splunkMethod = https: verify splunkd\'s certificate and host name; false accepts any certificate (the original never verified).' },
  { name: 'splunkCaFile', type: 'path', default: undefined, inherit: true, group: GROUP, doc: 'With splunkMethod = https: PEM file of CA certificates trusted in addition to the bundled ones (splunkd\'s default: $SPLUNK_HOME/etc/auth/cacert.pem).' },
  { name: 'splunkTimeout', type: 'float', default: 30, inherit: true, group: GROUP, doc: 'Seconds allowed for one request to splunkd, connecting included.', min: 0.01 },
];

const KEY_SETTINGS = ['splunkHost', 'splunkPort', 'splunkMethod', 'splunkUser', 'splunkPass', 'sessionKey', 'hostRegex', ...SPLUNKSTREAM_SETTINGS.map((d) => d.name)];

interface SplunkStreamConfig {
  readonly who: string;
  readonly method: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  readonly tls: TlsSettings;
  readonly timeoutMs: number;
  readonly sessionKey?: string;
  readonly user?: string;
  readonly pass?: string;
  readonly hostRegex?: string;
}

/** Reads and checks every splunkstream setting, opening nothing; throws PermanentError naming the setting. */
function readSplunkStreamConfig(sample: SampleSpec): SplunkStreamConfig {
  const who = outputLabel('splunkstream', sample);
  const r = new SettingsReader(sample, who, SPLUNKSTREAM_SETTINGS);
  const host = r.required('splunkHost', 'the splunkd to send to').replace(/^\[(.*)\]$/, '$1');
  if (/[/\s]/.test(host)) r.fail('splunkHost', host, 'must be a host name or IP address, without scheme, port or path');
  const method = r.choice('splunkMethod', ['http', 'https'] as const);
  const tls = readTls(r, 'splunkSslVerify', 'splunkCaFile');
  const port = r.int('splunkPort', 1, 65535);
  const timeoutMs = r.float('splunkTimeout', 0.01) * 1000;
  const sessionKey = r.string('sessionKey')?.trim() || undefined;
  const user = r.string('splunkUser');
  const pass = r.string('splunkPass');
  if (!sessionKey && (!user || pass === undefined)) {
    throw new PermanentError(`${who}: set splunkUser and splunkPass (or sessionKey) to send to ${baseUrl(method, host, port)}`, { setting: user ? 'splunkPass' : 'splunkUser' });
  }
  return { who, method, host, port, tls, timeoutMs, sessionKey, user, pass, hostRegex: r.string('hostRegex') };
}

interface Group {
  readonly query: string;
  readonly body: Buffer;
}

class SplunkStreamOutput implements Output {
  readonly #who: string;
  readonly #ep: HttpEndpoint;
  readonly #tls: TlsSettings;
  readonly #timeoutMs: number;
  readonly #user?: string;
  readonly #pass?: string;
  readonly #hostRegex?: string;
  #sessionKey: string | undefined;
  #login: Promise<string> | undefined;
  readonly #progress = new WeakMap<OutputBatch, Set<number>>();

  constructor(sample: SampleSpec) {
    const cfg = readSplunkStreamConfig(sample);
    this.#who = cfg.who;
    this.#tls = cfg.tls;
    this.#ep = makeEndpoint(cfg.method, cfg.host, cfg.port, cfg.tls, 8);
    this.#timeoutMs = cfg.timeoutMs;
    this.#sessionKey = cfg.sessionKey;
    this.#user = cfg.user;
    this.#pass = cfg.pass;
    this.#hostRegex = cfg.hostRegex;
  }

  async send(batch: OutputBatch): Promise<void> {
    if (!batch.events) throw new PermanentError(`${this.#who}: the batch has no events`);
    const groups = this.#groups(batch.events);
    const done = this.#progress.get(batch) ?? new Set<number>();
    this.#progress.set(batch, done);
    const results = await Promise.allSettled(
      groups.map(async (g, i) => {
        if (done.has(i)) return;
        await this.#post(g);
        done.add(i);
      }),
    );
    const errors = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected').map((x) => x.reason as Error);
    if (errors.length === 0) {
      this.#progress.delete(batch);
      return;
    }
    throw errors.find((e) => e instanceof PermanentError) ?? errors[0];
  }

  close(): void {
    this.#ep.agent.destroy();
  }

  #groups(events: readonly EventRecord[]): Group[] {
    const groups = new Map<string, { query: string; raws: string[] }>();
    for (const e of events) {
      const key = `${e.index}\u0000${e.source}\u0000${e.sourcetype}\u0000${e.host}`;
      let g = groups.get(key);
      if (!g) {
        const q = new URLSearchParams();
        if (e.index) q.set('index', e.index);
        if (e.source) q.set('source', e.source);
        if (e.sourcetype) q.set('sourcetype', e.sourcetype);
        if (this.#hostRegex) q.set('host_regex', this.#hostRegex);
        if (e.host) q.set('host', e.host);
        g = { query: q.toString(), raws: [] };
        groups.set(key, g);
      }
      g.raws.push(e.raw);
    }
    return [...groups.values()].map((g) => ({ query: g.query, body: Buffer.from(g.raws.join('\n')) }));
  }

  async #post(g: Group): Promise<void> {
    const path = `/services/receivers/simple?${g.query}`;
    let key = await this.#key();
    let res = await this.#request(path, key, g.body);
    if (res.status === 401 && this.#canLogin()) {
      // The session expired (or splunkd restarted): log in again, once.
      this.#invalidate(key);
      key = await this.#key();
      res = await this.#request(path, key, g.body);
    }
    if (res.status >= 200 && res.status < 300) return;
    throw this.#failure(res, 'refused the events');
  }

  #request(path: string, key: string, body: Buffer): Promise<HttpResponse> {
    return this.#http({ method: 'POST', path, headers: { Authorization: `Splunk ${key}`, 'Content-Type': 'text/plain; charset=utf-8', 'User-Agent': 'eventgen' }, body, timeoutMs: this.#timeoutMs });
  }

  async #http(req: Parameters<typeof httpRequest>[1]): Promise<HttpResponse> {
    try {
      return await httpRequest(this.#ep, req);
    } catch (e) {
      throw networkFailure(this.#who, this.#ep.base, e, this.#tls);
    }
  }

  #canLogin(): boolean {
    return this.#user !== undefined && this.#pass !== undefined;
  }

  #invalidate(key: string): void {
    if (this.#sessionKey === key) this.#sessionKey = undefined;
  }

  #key(): Promise<string> {
    if (this.#sessionKey) return Promise.resolve(this.#sessionKey);
    // Concurrent sends share one login.
    this.#login ??= this.#doLogin().finally(() => (this.#login = undefined));
    return this.#login;
  }

  async #doLogin(): Promise<string> {
    const form = new URLSearchParams({ username: this.#user!, password: this.#pass!, output_mode: 'json' });
    const res = await this.#http({
      method: 'POST',
      path: '/services/auth/login',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'eventgen' },
      body: Buffer.from(form.toString()),
      timeoutMs: this.#timeoutMs,
    });
    if (res.status === 401 || res.status === 403) {
      throw new PermanentError(`${this.#who}: login to ${this.#ep.base} as ${JSON.stringify(this.#user)} failed: HTTP ${res.status} ${splunkdMessage(res.body)}; check splunkUser and splunkPass`);
    }
    if (res.status !== 200) throw this.#failure(res, 'refused the login');
    const key = sessionKeyOf(res.body);
    if (!key) throw new RetryableError(`${this.#who}: the login reply of ${this.#ep.base} has no session key: ${JSON.stringify(res.body.slice(0, 200))}`);
    this.#sessionKey = key;
    return key;
  }

  #failure(res: HttpResponse, what: string): Error {
    const msg = `${this.#who}: ${this.#ep.base} ${what}: HTTP ${res.status} ${splunkdMessage(res.body)}`;
    if (res.status === 401 || res.status === 403) return new PermanentError(`${msg}; check sessionKey, or splunkUser and splunkPass`);
    if (res.status === 408 || res.status === 429 || res.status >= 500) return new RetryableError(msg, retryAfterMs(res));
    return new PermanentError(msg);
  }
}

/** The text of splunkd's `messages` (JSON) or `<msg>` elements (XML), else a snippet of the body. */
function splunkdMessage(body: string): string {
  try {
    const msgs = (JSON.parse(body) as { messages?: { text?: string }[] }).messages;
    if (Array.isArray(msgs) && msgs.length > 0) return msgs.map((m) => m.text).join('; ');
  } catch {
    // Not JSON: splunkd answers XML unless asked otherwise.
  }
  const xml = [...body.matchAll(/<msg[^>]*>([\s\S]*?)<\/msg>/g)].map((m) => m[1].trim());
  if (xml.length > 0) return xml.join('; ');
  const s = body.trim().replace(/\s+/g, ' ');
  return s ? JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s) : '(empty body)';
}

function sessionKeyOf(body: string): string | undefined {
  try {
    const k = (JSON.parse(body) as { sessionKey?: unknown }).sessionKey;
    if (typeof k === 'string' && k) return k;
  } catch {
    // XML reply
  }
  return /<sessionKey>([^<]+)<\/sessionKey>/.exec(body)?.[1];
}

const splunkstream: OutputPlugin = {
  kind: 'output',
  name: 'splunkstream',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Events to splunkd\'s REST receiver (/services/receivers/simple) on the management port.',
  // The original's MAXQUEUELENGTH; maxQueueLength overrides it.
  batchSize: 100,
  settings: SPLUNKSTREAM_SETTINGS,
  instanceKey: (sample) => settingsKey('splunkstream', sample, KEY_SETTINGS, true),
  check: readerCheck('splunkstream', readSplunkStreamConfig),
  create: (sample) => new SplunkStreamOutput(sample),
};

export default splunkstream;
