/**
 * A splunkd stand-in for tests, built from shared/docs/splunk-platform.md §8 and the fixtures in
 * shared/fixtures/splunk. Splunk itself cannot be installed here, so this is what the product
 * talks to in tests. It is independent of the product on purpose: its own .conf reader, its own
 * XML tokenizer. A shared bug would otherwise pass unnoticed.
 *
 *  (a) {@link startSplunkdRest}: the REST endpoints the app reads (`configs/conf-*`,
 *      `properties/*`, `apps/local`, `server/info`) built from apps laid out on disk, with
 *      `Authorization: Splunk <key>`, paging and fault injection.
 *  (b) {@link runModularInput}, {@link scheme}, {@link validate}: run a modular-input script the
 *      way splunkd does and check its stdout/stderr against the protocol.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** shared/fixtures/splunk: `$SPLUNK_FIXTURES_DIR`, else `<repo>/../shared/…` (CI), else /work/shared. */
export function fixturesDir(): string {
  const candidates = [
    process.env.SPLUNK_FIXTURES_DIR,
    resolve(__dirname, '..', '..', '..', 'shared', 'fixtures', 'splunk'),
    '/work/shared/fixtures/splunk',
  ];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) throw new Error(`Splunk fixtures not found; looked in ${candidates.filter(Boolean).join(', ')}`);
  return found;
}

/**
 * Writes apps for the REST stand-in: `{ my_app: { 'default/eventgen.conf': '…', 'metadata/default.meta': '…' } }`
 * under `appsDir` (created if needed). Returns `appsDir`.
 */
export function layoutApps(appsDir: string, apps: Record<string, Record<string, string>>): string {
  for (const [app, files] of Object.entries(apps)) {
    for (const [rel, text] of Object.entries(files)) {
      const file = join(appsDir, app, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  }
  return appsDir;
}

/** `[] export = system`, which eventgen bundle apps need so their eventgen.conf is visible. */
export const EXPORT_SYSTEM_META = '[]\naccess = read : [ * ], write : [ admin ]\nexport = system\n';

// ─────────────────────────────────────────────────────────────────────────────────────────────
// A tiny .conf reader (independent of lib/conf on purpose)
// ─────────────────────────────────────────────────────────────────────────────────────────────

type Conf = Map<string, Map<string, string>>;

/**
 * `[stanza]` headers; `#` comment lines; `key = value` split at the first `=`; a trailing `\`
 * continues the line; the last value wins; settings before any header go to `[default]`.
 */
export function readConfText(text: string): Conf {
  const conf: Conf = new Map();
  let current = 'default';
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + '\n' + lines[++i];
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    if (t.startsWith('[') && t.endsWith(']')) {
      current = t.slice(1, -1);
      if (!conf.has(current)) conf.set(current, new Map());
      continue;
    }
    const eq = t.indexOf('=');
    if (eq <= 0) continue;
    if (!conf.has(current)) conf.set(current, new Map());
    conf.get(current)!.set(t.slice(0, eq).trim(), t.slice(eq + 1).trim());
  }
  return conf;
}

/** Layers files (later wins, key by key); undefined when none of them exists. */
function readLayered(files: string[]): Conf | undefined {
  let out: Conf | undefined;
  for (const f of files) {
    if (!existsSync(f)) continue;
    out ??= new Map();
    for (const [stanza, kv] of readConfText(readFileSync(f, 'utf8'))) {
      const target = out.get(stanza) ?? new Map<string, string>();
      for (const [k, v] of kv) target.set(k, v);
      out.set(stanza, target);
    }
  }
  return out;
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && ['1', 'true', 't', 'yes', 'y', 'on'].includes(v.trim().toLowerCase());
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Apps on disk
// ─────────────────────────────────────────────────────────────────────────────────────────────

interface DiskApp {
  name: string;
  dir: string;
  enabled: boolean;
  visible: boolean;
  label?: string;
  version?: string;
  meta: Conf;
}

/** `<appsDir>/<app>/{default,local}/app.conf` and `metadata/{default,local}.meta`, sorted by name. */
function loadApps(appsDir: string): DiskApp[] {
  if (!existsSync(appsDir)) return [];
  return readdirSync(appsDir)
    .filter((n) => !n.startsWith('.') && statSync(join(appsDir, n)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(appsDir, name);
      const appConf = readLayered([join(dir, 'default', 'app.conf'), join(dir, 'local', 'app.conf')]) ?? new Map();
      const app: DiskApp = {
        name,
        dir,
        enabled: (appConf.get('install')?.get('state') ?? 'enabled').trim().toLowerCase() !== 'disabled',
        visible: appConf.get('ui')?.get('is_visible') === undefined || truthy(appConf.get('ui')?.get('is_visible')),
        meta: readLayered([join(dir, 'metadata', 'default.meta'), join(dir, 'metadata', 'local.meta')]) ?? new Map(),
      };
      const label = appConf.get('ui')?.get('label');
      const version = appConf.get('launcher')?.get('version');
      if (label !== undefined) app.label = label;
      if (version !== undefined) app.version = version;
      return app;
    });
}

/** `export = system` on `[<conf>]` wins over `[]` (default.meta.spec); local.meta over default.meta. */
function exported(app: DiskApp, conf: string): boolean {
  const v = app.meta.get(conf)?.get('export') ?? app.meta.get('')?.get('export');
  return v?.trim() === 'system';
}

function appConf(app: DiskApp, file: string): Conf | undefined {
  return readLayered([join(app.dir, 'default', `${file}.conf`), join(app.dir, 'local', `${file}.conf`)]);
}

interface ConfEntry {
  name: string;
  app: string;
  sharing: 'global' | 'app';
  settings: Map<string, string>;
}

/**
 * The entries of `configs/conf-<file>` in namespace `nsApp`:
 *  - `-`: one entry per defining app, among enabled apps that export (`export = system`);
 *  - an app: that app plus the exporting apps, merged per stanza name. Precedence: the context
 *    app, then the other apps in ASCII order of their names (A wins over B). The entry's app is
 *    the top-precedence app that defines the stanza.
 * In both, the `[default]` stanza is merged under every stanza and not listed itself.
 */
function confEntries(apps: DiskApp[], file: string, nsApp: string): ConfEntry[] {
  const enabled = apps.filter((a) => a.enabled);
  const out: ConfEntry[] = [];
  if (nsApp === '-') {
    for (const app of enabled.filter((a) => exported(a, file))) {
      const conf = appConf(app, file);
      if (!conf) continue;
      const dflt = conf.get('default') ?? new Map();
      for (const [name, kv] of conf) {
        if (name === 'default') continue;
        out.push({ name, app: app.name, sharing: 'global', settings: new Map([...dflt, ...kv]) });
      }
    }
  } else {
    // Lowest precedence first, so later layers overwrite earlier ones.
    const layers = enabled
      .filter((a) => a.name !== nsApp && exported(a, file))
      .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    const own = enabled.find((a) => a.name === nsApp);
    if (own) layers.push(own);
    const merged = new Map<string, { app: DiskApp; settings: Map<string, string> }>();
    const dflt = new Map<string, string>();
    for (const app of layers) {
      const conf = appConf(app, file);
      if (!conf) continue;
      for (const [name, kv] of conf) {
        if (name === 'default') {
          for (const [k, v] of kv) dflt.set(k, v);
          continue;
        }
        const m = merged.get(name) ?? { app, settings: new Map<string, string>() };
        m.app = app;
        for (const [k, v] of kv) m.settings.set(k, v);
        merged.set(name, m);
      }
    }
    for (const [name, m] of merged) {
      out.push({ name, app: m.app.name, sharing: exported(m.app, file) ? 'global' : 'app', settings: new Map([...dflt, ...m.settings]) });
    }
  }
  return out.sort((a, b) => cmpName(a.name, b.name) || cmpName(a.app, b.app));
}

function cmpName(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// (a) REST server
// ─────────────────────────────────────────────────────────────────────────────────────────────

export type Fault =
  | { status: number; body?: unknown }
  | { hang: true }
  | { reset: true };

export interface SplunkdRestOptions {
  /** The `etc/apps` folder to serve. Re-read on every request, so tests may edit it live. */
  appsDir: string;
  sessionKey: string;
  /** HTTPS with a self-signed cert (CN=SplunkServerDefaultCert, like splunkd's default) if openssl exists. */
  tls?: boolean;
  /** Faults applied to the next requests, in order, before anything else. */
  failNext?: Fault[];
  /** The app `/services/` stands for (the user's default app); default `search`. */
  defaultApp?: string;
  serverName?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
}

export interface SplunkdRestHandle {
  /** `https://127.0.0.1:<port>` (or `http://` when TLS was not requested or not possible). */
  uri: string;
  port: number;
  tls: boolean;
  /** The certificate (PEM) to trust, when tls is true. */
  caPem?: string;
  requests: RecordedRequest[];
  failNext(...faults: Fault[]): void;
  close(): Promise<void>;
}

const GENERATOR = { build: 'e8eb0c4654f8', version: '10.0.0' };
const EPOCH_UPDATED = '1970-01-01T00:00:00+00:00';
const MSG_401 = { messages: [{ type: 'WARN', text: 'call not properly authenticated' }] };

let certCache: { key: string; cert: string } | undefined | null;

/**
 * Makes a throwaway certificate with the openssl CLI (Node cannot create X.509 certificates).
 * Returns null when openssl is missing; the caller then serves plain HTTP and says so in `tls`.
 */
function selfSignedCert(): { key: string; cert: string } | null {
  if (certCache !== undefined) return certCache;
  try {
    const dir = mkdtempSync(join(tmpdir(), 'splunkd-standin-cert-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2',
      '-subj', '/CN=SplunkServerDefaultCert',
    ], { stdio: 'ignore' });
    certCache = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    certCache = null;
  }
  return certCache;
}

export async function startSplunkdRest(opts: SplunkdRestOptions): Promise<SplunkdRestHandle> {
  const faults: Fault[] = [...(opts.failNext ?? [])];
  const requests: RecordedRequest[] = [];
  const cert = opts.tls ? selfSignedCert() : null;
  const scheme = cert ? 'https' : 'http';
  let origin = '';

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ method: req.method ?? '', path: url.pathname, query, authorization: req.headers.authorization });
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body, null, 2);
      res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    const fault = faults.shift();
    if (fault) {
      if ('hang' in fault) return; // never answer; close() ends the socket
      if ('reset' in fault) {
        req.socket.destroy();
        return;
      }
      const body = fault.body ?? (fault.status === 401 ? MSG_401 : { messages: [{ type: 'ERROR', text: `Injected HTTP ${fault.status}` }] });
      send(fault.status, body);
      return;
    }
    if (req.headers.authorization !== `Splunk ${opts.sessionKey}`) return send(401, MSG_401);
    try {
      const [status, body] = route(req.method ?? 'GET', url, query, opts, origin);
      send(status, body);
    } catch (e) {
      send(500, { messages: [{ type: 'ERROR', text: `stand-in error: ${(e as Error).message}` }] });
    }
  };

  const server = cert ? https.createServer({ key: cert.key, cert: cert.cert }, handler) : http.createServer(handler);
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `${scheme}://127.0.0.1:${port}`;
  return {
    uri: origin,
    port,
    tls: !!cert,
    ...(cert ? { caPem: cert.cert } : {}),
    requests,
    failNext: (...f: Fault[]) => {
      faults.push(...f);
    },
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

type Reply = [number, unknown];

const notFound = (text = 'Not Found'): Reply => [404, { messages: [{ type: 'ERROR', text }] }];

function route(method: string, url: URL, query: Record<string, string>, opts: SplunkdRestOptions, origin: string): Reply {
  if (method !== 'GET') return [405, { messages: [{ type: 'ERROR', text: `stand-in: method ${method} not supported` }] }];
  // Segments are decoded one by one, so an encoded "/" inside a stanza name stays inside it.
  const segs = url.pathname.replace(/\/+$/, '').split('/').slice(1).map(decodeURIComponent);
  let owner = 'nobody';
  let nsApp: string;
  let rest: string[];
  let nsPrefix: string;
  if (segs[0] === 'services') {
    nsApp = opts.defaultApp ?? 'search';
    rest = segs.slice(1);
    nsPrefix = '/services';
  } else if (segs[0] === 'servicesNS' && segs.length >= 3) {
    [owner, nsApp] = [segs[1], segs[2]];
    rest = segs.slice(3);
    nsPrefix = `/servicesNS/${encodeURIComponent(owner)}/${encodeURIComponent(nsApp)}`;
  } else {
    return notFound();
  }
  if ((query.output_mode ?? '') !== 'json') {
    return [400, { messages: [{ type: 'ERROR', text: 'stand-in supports output_mode=json only' }] }];
  }
  const count = query.count === undefined ? 30 : Number(query.count);
  const offset = query.offset === undefined ? 0 : Number(query.offset);
  if (!Number.isInteger(count) || !Number.isInteger(offset) || offset < 0) {
    return [400, { messages: [{ type: 'ERROR', text: `bad count/offset: ${query.count}/${query.offset}` }] }];
  }
  const apps = loadApps(opts.appsDir);
  const page = <T>(all: T[]): { items: T[]; paging: { total: number; perPage: number; offset: number } } => ({
    items: count <= 0 ? all.slice(offset) : all.slice(offset, offset + count),
    paging: { total: all.length, perPage: count, offset },
  });

  const conf = /^conf-(.+)$/.exec(rest[1] ?? '');
  if (rest[0] === 'configs' && conf && rest.length <= 3) {
    // A concrete namespace app must exist and be enabled (`/services/` is lenient). [R: text]
    if (nsPrefix !== '/services' && nsApp !== '-' && !apps.some((a) => a.name === nsApp && a.enabled)) {
      return notFound(`Application does not exist: ${nsApp}`);
    }
    const file = conf[1];
    let entries = confEntries(apps, file, nsApp);
    if (rest.length === 3) {
      entries = entries.filter((e) => e.name === rest[2]);
      if (entries.length === 0) return notFound(`Could not find object id=${rest[2]}`);
    }
    const listPath = `${nsPrefix}/configs/conf-${file}`;
    const { items, paging } = page(entries);
    return [200, feed(origin, listPath, items.map((e) => confEntryJson(origin, file, owner, e)), paging)];
  }
  if (rest[0] === 'properties' && rest.length === 2) {
    const names = new Set(confEntries(apps, rest[1], nsApp).map((e) => e.name));
    const definedSomewhere = apps.some((a) => a.enabled && appConf(a, rest[1]) !== undefined);
    if (!definedSomewhere) return notFound(`File ${rest[1]} not found`); // [R: text]
    const { items, paging } = page([...names]);
    return [200, feed(origin, `${nsPrefix}/properties/${rest[1]}`, items.map((n) => ({ name: n, id: `${origin}${nsPrefix}/properties/${rest[1]}/${encodeURIComponent(n)}`, content: {} })), paging)];
  }
  if (rest[0] === 'apps' && rest[1] === 'local' && rest.length <= 3) {
    let list = apps;
    if (rest.length === 3) {
      list = apps.filter((a) => a.name === rest[2]);
      if (list.length === 0) return notFound(`Could not find object id=${rest[2]}`);
    }
    const { items, paging } = page(list);
    return [200, feed(origin, `${nsPrefix}/apps/local`, items.map((a) => appEntryJson(origin, a)), paging)];
  }
  if (rest[0] === 'server' && rest[1] === 'info' && rest.length === 2) {
    const name = opts.serverName ?? 'splunkd-standin';
    return [200, feed(origin, `${nsPrefix}/server/info`, [{
      name: 'server-info',
      id: `${origin}/services/server/info/server-info`,
      updated: EPOCH_UPDATED,
      content: { serverName: name, host: name, version: GENERATOR.version, build: GENERATOR.build, product_type: 'enterprise', os_name: 'Linux' },
    }], { total: 1, perPage: count, offset: 0 })];
  }
  return notFound();
}

function feed(origin: string, listPath: string, entry: unknown[], paging: { total: number; perPage: number; offset: number }): unknown {
  return {
    links: { create: `${listPath}/_new`, _reload: `${listPath}/_reload`, _acl: `${listPath}/_acl` },
    origin: `${origin}${listPath}`,
    updated: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    generator: GENERATOR,
    entry,
    paging,
    messages: [],
  };
}

/** One entry exactly in the shape of constructed/rest/configs-conf-eventgen.two-apps.json. */
function confEntryJson(origin: string, file: string, owner: string, e: ConfEntry): unknown {
  const ownerSeg = owner === '-' ? 'nobody' : owner;
  const self = `/servicesNS/${encodeURIComponent(ownerSeg)}/${encodeURIComponent(e.app)}/configs/conf-${file}/${encodeURIComponent(e.name)}`;
  const content: Record<string, unknown> = {};
  for (const [k, v] of e.settings) if (k !== 'disabled') content[k] = v;
  content.disabled = truthy(e.settings.get('disabled'));
  content['eai:acl'] = null;
  content['eai:appName'] = e.app;
  content['eai:userName'] = 'nobody';
  return {
    name: e.name,
    id: `${origin}${self}`,
    updated: EPOCH_UPDATED,
    links: {
      alternate: self, list: self, _reload: `${self}/_reload`, edit: self, remove: self, move: `${self}/move`, disable: `${self}/disable`,
    },
    author: 'nobody',
    acl: {
      app: e.app, can_change_perms: true, can_list: true, can_share_app: true, can_share_global: true, can_share_user: false,
      can_write: true, modifiable: true, owner: 'nobody', perms: { read: ['*'], write: ['admin', 'sc_admin'] },
      removable: false, sharing: e.sharing,
    },
    content,
  };
}

function appEntryJson(origin: string, a: DiskApp): unknown {
  const self = `/servicesNS/nobody/system/apps/local/${encodeURIComponent(a.name)}`;
  return {
    name: a.name,
    id: `${origin}${self}`,
    updated: EPOCH_UPDATED,
    links: { alternate: self, list: self },
    author: 'nobody',
    acl: { app: 'system', owner: 'nobody', sharing: 'app', perms: { read: ['*'], write: ['admin'] } },
    content: {
      disabled: !a.enabled, visible: a.visible, label: a.label ?? a.name, version: a.version ?? '',
      configured: true, 'eai:acl': null,
    },
  };
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// An incremental, strict XML tokenizer (independent of lib/splunk/modinput.ts on purpose)
// ─────────────────────────────────────────────────────────────────────────────────────────────

type Token =
  | { kind: 'open'; name: string; attrs: Record<string, string>; selfClosing: boolean }
  | { kind: 'close'; name: string }
  | { kind: 'text'; text: string };

const INVALID_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NAME_RE = /^[A-Za-z_:][-A-Za-z0-9_:.]*$/;

export class XmlProtocolError extends Error {}

/**
 * Feed text in any chunking; complete tokens come out. Markup split across chunks waits for the
 * rest. Comments and PIs are dropped, CDATA becomes text, entities are resolved, and anything
 * XML 1.0 does not allow throws {@link XmlProtocolError}.
 */
class XmlTokenizer {
  private buf = '';
  private atStart = true;

  feed(chunk: string): Token[] {
    this.buf += chunk.replace(/\r\n?/g, '\n');
    const out: Token[] = [];
    for (;;) {
      if (this.buf === '') return out;
      if (this.buf[0] !== '<') {
        const lt = this.buf.indexOf('<');
        if (lt === -1) return out; // text may continue in the next chunk
        out.push({ kind: 'text', text: this.decode(this.buf.slice(0, lt)) });
        this.buf = this.buf.slice(lt);
        this.atStart = false;
        continue;
      }
      const tok = this.markup();
      if (tok === 'wait') return out;
      this.atStart = false;
      if (tok) out.push(tok);
    }
  }

  /** End of input: anything left over is an error. */
  end(): Token[] {
    if (this.buf.trim() !== '' && this.buf.includes('<')) throw new XmlProtocolError(`input ended inside markup: ${JSON.stringify(this.buf.slice(0, 60))}`);
    const rest = this.buf;
    this.buf = '';
    return rest === '' ? [] : [{ kind: 'text', text: this.decode(rest) }];
  }

  private markup(): Token | null | 'wait' {
    const b = this.buf;
    const take = (n: number) => {
      this.buf = b.slice(n);
    };
    if (b.length < 9 && ('<!--'.startsWith(b) || '<![CDATA['.startsWith(b) || '<?'.startsWith(b))) return 'wait';
    if (b.startsWith('<!--')) {
      const end = b.indexOf('-->', 4);
      if (end === -1) return 'wait';
      take(end + 3);
      return null;
    }
    if (b.startsWith('<![CDATA[')) {
      const end = b.indexOf(']]>', 9);
      if (end === -1) return 'wait';
      take(end + 3);
      return { kind: 'text', text: this.checkChars(b.slice(9, end)) };
    }
    if (b.startsWith('<?')) {
      const end = b.indexOf('?>');
      if (end === -1) return 'wait';
      if (/^<\?xml[\s?]/i.test(b) && !this.atStart) throw new XmlProtocolError('XML declaration not at the start of the output');
      take(end + 2);
      return null;
    }
    if (b.startsWith('<!')) throw new XmlProtocolError(`markup declaration not allowed: ${JSON.stringify(b.slice(0, 20))}`);
    // Find the closing ">" outside quoted attribute values.
    let quote = '';
    let end = -1;
    for (let i = 1; i < b.length; i++) {
      const c = b[i];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '<') throw new XmlProtocolError(`"<" inside a tag: ${JSON.stringify(b.slice(0, i + 1))}`);
      else if (c === '>') {
        end = i;
        break;
      }
    }
    if (end === -1) return 'wait';
    const inner = b.slice(1, end);
    take(end + 1);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim();
      if (!NAME_RE.test(name)) throw new XmlProtocolError(`bad end tag </${inner.slice(1)}>`);
      return { kind: 'close', name };
    }
    const selfClosing = inner.endsWith('/');
    const body = selfClosing ? inner.slice(0, -1) : inner;
    const m = /^([^\s/>]+)/.exec(body);
    if (!m || !NAME_RE.test(m[1])) throw new XmlProtocolError(`bad start tag <${inner}>`);
    const attrs: Record<string, string> = {};
    let rest = body.slice(m[1].length);
    const ATTR = /^\s+([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/;
    for (;;) {
      if (rest.trim() === '') break;
      const a = ATTR.exec(rest);
      if (!a || !NAME_RE.test(a[1])) throw new XmlProtocolError(`malformed attributes in <${inner}>`);
      if (a[1] in attrs) throw new XmlProtocolError(`duplicate attribute ${a[1]} in <${m[1]}>`);
      attrs[a[1]] = this.decode((a[2] ?? a[3]).replace(/[\t\n]/g, ' '));
      rest = rest.slice(a[0].length);
    }
    return { kind: 'open', name: m[1], attrs, selfClosing };
  }

  private checkChars(s: string): string {
    const bad = INVALID_CHAR.exec(s);
    if (bad) throw new XmlProtocolError(`character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML 1.0`);
    return s;
  }

  private decode(s: string): string {
    this.checkChars(s);
    if (s.includes(']]>')) throw new XmlProtocolError('"]]>" in text');
    return s.replace(/&([^;]{0,10});|&/g, (whole, ref: string | undefined) => {
      if (ref === undefined) throw new XmlProtocolError(`bare "&" in ${JSON.stringify(s.slice(0, 60))}`);
      const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
      if (ref in named) return named[ref];
      const num = /^#x([0-9a-fA-F]+)$|^#([0-9]+)$/.exec(ref);
      if (!num) throw new XmlProtocolError(`unknown entity ${whole}`);
      const cp = parseInt(num[1] ?? num[2], num[1] ? 16 : 10);
      const ch = cp <= 0x10ffff ? String.fromCodePoint(cp) : '\u0000';
      if (cp === 0 || INVALID_CHAR.test(ch) || (cp >= 0xd800 && cp <= 0xdfff)) throw new XmlProtocolError(`character reference ${whole} is not an XML character`);
      return ch;
    });
  }
}

interface Node {
  name: string;
  attrs: Record<string, string>;
  children: Node[];
  text: string;
}

/** A whole document into a simple tree (for --scheme and --validate-arguments replies). */
function parseDocument(text: string): Node {
  const tz = new XmlTokenizer();
  const tokens = [...tz.feed(text), ...tz.end()];
  const stack: Node[] = [];
  let root: Node | undefined;
  for (const t of tokens) {
    const top = stack[stack.length - 1];
    if (t.kind === 'text') {
      if (top) top.text += t.text;
      else if (t.text.trim() !== '') throw new XmlProtocolError('text outside the root element');
    } else if (t.kind === 'open') {
      const node: Node = { name: t.name, attrs: t.attrs, children: [], text: '' };
      if (top) top.children.push(node);
      else if (root) throw new XmlProtocolError(`second root element <${t.name}>`);
      else root = node;
      if (!t.selfClosing) stack.push(node);
    } else {
      if (!top || top.name !== t.name) throw new XmlProtocolError(`</${t.name}> does not match ${top ? `<${top.name}>` : 'anything'}`);
      stack.pop();
    }
  }
  if (!root) throw new XmlProtocolError('no root element');
  if (stack.length) throw new XmlProtocolError(`<${stack[stack.length - 1].name}> is not closed`);
  return root;
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Streaming stdout: <stream><event>…</event>…</stream>
// ─────────────────────────────────────────────────────────────────────────────────────────────

export interface StreamEvent {
  /** `<time>` text as written (e.g. "1700000000.123"), undefined when omitted. */
  time?: string;
  data: string;
  index?: string;
  host?: string;
  source?: string;
  sourcetype?: string;
  stanza?: string;
  unbroken: boolean;
  done: boolean;
}

const EVENT_FIELDS = new Set(['time', 'data', 'index', 'host', 'source', 'sourcetype', 'done']);

/** Checks the token sequence of XML streaming mode (§1.5) and hands out complete events. */
class StreamReader {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly tz = new XmlTokenizer();
  private state: 'before' | 'stream' | 'event' | 'field' | 'after' = 'before';
  private event: Record<string, string> & { _stanza?: string; _unbroken?: string } = {};
  private seen = new Set<string>();
  private field = '';
  private fieldText = '';
  private count = 0;
  sawStart = false;
  sawEnd = false;

  constructor(private readonly onEvent: (e: StreamEvent) => void, private readonly requireStanza: boolean) {}

  push(bytes: Buffer): void {
    let text: string;
    try {
      text = this.decoder.decode(bytes, { stream: true });
    } catch {
      throw new XmlProtocolError('stdout is not valid UTF-8');
    }
    for (const t of this.tz.feed(text)) this.token(t);
  }

  end(): void {
    try {
      this.decoder.decode();
    } catch {
      throw new XmlProtocolError('stdout ends with an incomplete UTF-8 sequence');
    }
    for (const t of this.tz.end()) this.token(t);
    if (this.state === 'event' || this.state === 'field') throw new XmlProtocolError(`stdout ended inside <event> #${this.count + 1}`);
  }

  private token(t: Token): void {
    const where = `event #${this.count + 1}`;
    if (t.kind === 'text') {
      if (this.state === 'field') this.fieldText += t.text;
      else if (t.text.trim() !== '') throw new XmlProtocolError(`unexpected text ${JSON.stringify(t.text.trim().slice(0, 40))} ${this.state === 'event' ? `in ${where}` : `(${this.state} <stream>)`}`);
      return;
    }
    switch (this.state) {
      case 'before':
        if (t.kind !== 'open' || t.name !== 'stream') throw new XmlProtocolError(`expected <stream>, got ${describe(t)}`);
        this.sawStart = true;
        if (t.selfClosing) {
          this.sawEnd = true;
          this.state = 'after';
        } else this.state = 'stream';
        return;
      case 'stream':
        if (t.kind === 'close' && t.name === 'stream') {
          this.sawEnd = true;
          this.state = 'after';
          return;
        }
        if (t.kind !== 'open' || t.name !== 'event' || t.selfClosing) throw new XmlProtocolError(`expected <event> or </stream>, got ${describe(t)}`);
        for (const a of Object.keys(t.attrs)) {
          if (a !== 'stanza' && a !== 'unbroken') throw new XmlProtocolError(`unknown attribute ${a} on ${where}`);
        }
        if (this.requireStanza && !t.attrs.stanza) throw new XmlProtocolError(`${where} has no stanza attribute (required in single-instance mode)`);
        this.event = {};
        if (t.attrs.stanza !== undefined) this.event._stanza = t.attrs.stanza;
        if (t.attrs.unbroken !== undefined) this.event._unbroken = t.attrs.unbroken;
        this.seen.clear();
        this.state = 'event';
        return;
      case 'event':
        if (t.kind === 'close') {
          if (t.name !== 'event') throw new XmlProtocolError(`</${t.name}> in ${where}`);
          this.finishEvent(where);
          this.state = 'stream';
          return;
        }
        if (!EVENT_FIELDS.has(t.name)) throw new XmlProtocolError(`unknown element <${t.name}> in ${where}`);
        if (this.seen.has(t.name)) throw new XmlProtocolError(`<${t.name}> twice in ${where}`);
        this.seen.add(t.name);
        if (t.selfClosing) {
          this.event[t.name] = '';
          return;
        }
        this.field = t.name;
        this.fieldText = '';
        this.state = 'field';
        return;
      case 'field':
        if (t.kind !== 'close' || t.name !== this.field) throw new XmlProtocolError(`<${this.field}> in ${where} must hold only text, got ${describe(t)}`);
        if (this.field === 'done' && this.fieldText.trim() !== '') throw new XmlProtocolError(`<done> in ${where} must be empty`);
        this.event[this.field] = this.fieldText;
        this.state = 'event';
        return;
      case 'after':
        throw new XmlProtocolError(`${describe(t)} after </stream>`);
    }
  }

  private finishEvent(where: string): void {
    const e = this.event;
    if (e.data === undefined) throw new XmlProtocolError(`${where} has no <data>`);
    if (e.time !== undefined && !/^\d+(\.\d{1,3})?$/.test(e.time.trim())) throw new XmlProtocolError(`${where}: <time>${e.time}</time> is not epoch seconds with at most 3 decimals`);
    const ev: StreamEvent = { data: e.data, unbroken: e._unbroken === '1', done: e.done !== undefined };
    for (const k of ['time', 'index', 'host', 'source', 'sourcetype'] as const) if (e[k] !== undefined) ev[k] = e[k];
    if (e._stanza !== undefined) ev.stanza = e._stanza;
    this.count++;
    this.onEvent(ev);
  }
}

function describe(t: Token): string {
  return t.kind === 'open' ? `<${t.name}>` : t.kind === 'close' ? `</${t.name}>` : 'text';
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// (b) Running a modular-input script
// ─────────────────────────────────────────────────────────────────────────────────────────────

export type SplunkdLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

export interface StderrLine {
  level: SplunkdLevel;
  text: string;
  /** The line as splunkd.log would show it. */
  splunkdLine: string;
}

const LEVEL_TOKEN = /^(DEBUG|INFO|WARN|ERROR|FATAL) /;

/** splunkd's rule (§1.6): a leading level token is the level (and is stripped), else ERROR. */
export function parseStderrLine(line: string, command = 'script', pid = 0, now = new Date()): StderrLine {
  const m = LEVEL_TOKEN.exec(line);
  const level = (m ? m[1] : 'ERROR') as SplunkdLevel;
  const text = m ? line.slice(m[0].length) : line;
  const p2 = (n: number) => String(n).padStart(2, '0');
  const stamp = `${p2(now.getUTCMonth() + 1)}-${p2(now.getUTCDate())}-${now.getUTCFullYear()} ${p2(now.getUTCHours())}:${p2(now.getUTCMinutes())}:${p2(now.getUTCSeconds())}.${String(now.getUTCMilliseconds()).padStart(3, '0')} +0000`;
  return { level, text, splunkdLine: `${stamp} ${level.padEnd(5)} ExecProcessor [${pid} ExecProcessor] - message from "${command}" ${text}` };
}

export interface RunModularInputOptions {
  /** The executable splunkd would exec (`bin/eventgen.sh` or an extensionless file). */
  script: string;
  splunkHome: string;
  /** Written to stdin, which is then closed. Omit to close stdin at once. */
  inputXml?: string | Buffer;
  /** `--scheme`, `--validate-arguments`, or nothing for streaming. */
  args?: string[];
  /** Extra environment; a value of undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** Working directory; default `/`, because scripts must not depend on it. */
  cwd?: string;
  /** Write stdin in pieces of this many bytes, pausing between them (tests chunked input). */
  stdinChunkBytes?: number;
  /** Single-instance mode: every event must carry `stanza=`. */
  requireStanza?: boolean;
  onEvent?: (e: StreamEvent) => void;
  onStderr?: (l: StderrLine) => void;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  sawStreamStart: boolean;
  sawStreamEnd: boolean;
  /** Set when stdout broke the protocol; parsing stopped there. */
  protocolError?: string;
  /** True when stop() had to SIGKILL after the grace period. */
  killed: boolean;
  /** Raw stdout (for --scheme / --validate-arguments). */
  stdout: string;
}

export interface ModularInputRun {
  pid: number;
  events: StreamEvent[];
  logs: StderrLine[];
  exited: Promise<RunResult>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5 s); resolves like `exited`. */
  stop(graceMs?: number): Promise<RunResult>;
  /** Resolves once `n` events have arrived; rejects on exit or after `timeoutMs`. */
  waitForEvents(n: number, timeoutMs?: number): Promise<void>;
}

/** The environment splunkd gives its children (§1.1, §8.1), plus `extra`. */
export function splunkdEnv(splunkHome: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'en_US.UTF-8',
    SPLUNK_HOME: splunkHome,
    SPLUNK_ETC: join(splunkHome, 'etc'),
    SPLUNK_DB: join(splunkHome, 'var', 'lib', 'splunk'),
    SPLUNK_SERVER_NAME: 'Splunkd',
    // splunkd puts its own lib first; a correct wrapper clears it before exec'ing node.
    LD_LIBRARY_PATH: join(splunkHome, 'lib'),
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function runModularInput(opts: RunModularInputOptions): ModularInputRun {
  const child = spawn(opts.script, opts.args ?? [], {
    cwd: opts.cwd ?? '/',
    env: splunkdEnv(opts.splunkHome, opts.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events: StreamEvent[] = [];
  const logs: StderrLine[] = [];
  const waiters = new Set<() => void>();
  let protocolError: string | undefined;
  let stdoutText = '';
  let killed = false;
  const command = [opts.script, ...(opts.args ?? [])].join(' ');
  const reader = new StreamReader((e) => {
    events.push(e);
    opts.onEvent?.(e);
    for (const w of waiters) w();
  }, !!opts.requireStanza);
  const streaming = !(opts.args ?? []).some((a) => a === '--scheme' || a === '--validate-arguments');

  child.stdout.on('data', (b: Buffer) => {
    if (!streaming) {
      stdoutText += b.toString('utf8');
      return;
    }
    if (stdoutText.length < 1_000_000) stdoutText += b.toString('utf8');
    if (protocolError) return; // keep draining so the child never blocks on a full pipe
    try {
      reader.push(b);
    } catch (e) {
      protocolError = (e as Error).message;
    }
  });

  let partial = '';
  const emitLine = (line: string) => {
    if (line.trim() === '') return;
    const l = parseStderrLine(line, command, child.pid ?? 0);
    logs.push(l);
    opts.onStderr?.(l);
  };
  child.stderr.on('data', (b: Buffer) => {
    const lines = (partial + b.toString('utf8')).split(/\r?\n/);
    partial = lines.pop() ?? '';
    lines.forEach(emitLine);
  });

  // stdin: the input XML, then EOF, as splunkd does. A script that exits early gives EPIPE: ignore.
  child.stdin.on('error', () => undefined);
  const input = opts.inputXml === undefined ? undefined : Buffer.isBuffer(opts.inputXml) ? opts.inputXml : Buffer.from(opts.inputXml, 'utf8');
  if (!input) child.stdin.end();
  else if (!opts.stdinChunkBytes) child.stdin.end(input);
  else {
    const size = opts.stdinChunkBytes;
    let at = 0;
    const next = () => {
      if (at >= input.length || child.stdin.destroyed) {
        child.stdin.end();
        return;
      }
      child.stdin.write(input.subarray(at, at + size));
      at += size;
      setTimeout(next, 5);
    };
    next();
  }

  const exited = new Promise<RunResult>((resolveRun) => {
    child.on('error', (e) => {
      protocolError ??= `could not start ${opts.script}: ${e.message}`;
    });
    child.on('close', (code, signal) => {
      emitLine(partial);
      if (streaming && !protocolError) {
        try {
          reader.end();
        } catch (e) {
          protocolError = (e as Error).message;
        }
      }
      for (const w of waiters) w();
      resolveRun({
        code, signal, killed, stdout: stdoutText,
        sawStreamStart: reader.sawStart, sawStreamEnd: reader.sawEnd,
        ...(protocolError ? { protocolError } : {}),
      });
    });
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });

  return {
    pid: child.pid ?? 0,
    events,
    logs,
    exited,
    stop(graceMs = 5000) {
      if (!done) {
        child.kill('SIGTERM');
        const t = setTimeout(() => {
          killed = true;
          child.kill('SIGKILL');
        }, graceMs);
        void exited.then(() => clearTimeout(t));
      }
      return exited;
    },
    waitForEvents(n, timeoutMs = 10_000) {
      return new Promise<void>((ok, fail) => {
        const check = () => {
          if (events.length >= n) finish();
          else if (done) finish(new Error(`process exited after ${events.length} of ${n} events${protocolError ? ` (protocol error: ${protocolError})` : ''}`));
        };
        const timer = setTimeout(() => finish(new Error(`only ${events.length} of ${n} events within ${timeoutMs} ms`)), timeoutMs);
        const finish = (err?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) fail(err);
          else ok();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// --scheme and --validate-arguments
// ─────────────────────────────────────────────────────────────────────────────────────────────

export interface SchemeArg {
  name: string;
  title?: string;
  description?: string;
  validation?: string;
  dataType: string;
  requiredOnEdit: boolean;
  requiredOnCreate: boolean;
}

export interface ParsedScheme {
  title: string;
  description?: string;
  useExternalValidation: boolean;
  useSingleInstance: boolean;
  streamingMode: 'xml' | 'simple';
  args: SchemeArg[];
}

const SCHEME_CHILDREN = new Set(['title', 'description', 'use_external_validation', 'use_single_instance', 'streaming_mode', 'endpoint']);
const ARG_CHILDREN = new Set(['title', 'description', 'validation', 'data_type', 'required_on_edit', 'required_on_create']);
const PARAM_NAME = /^[0-9a-zA-Z][0-9a-zA-Z_-]*$/;

/** Checks a `--scheme` document against §1.2; returns what it says and every problem found. */
export function checkSchemeXml(xml: string): { scheme?: ParsedScheme; problems: string[] } {
  const problems: string[] = [];
  let root: Node;
  try {
    root = parseDocument(xml);
  } catch (e) {
    return { problems: [`not well-formed XML: ${(e as Error).message}`] };
  }
  if (root.name !== 'scheme') return { problems: [`root element is <${root.name}>, expected <scheme>`] };
  const one = (parent: Node, name: string) => {
    const found = parent.children.filter((c) => c.name === name);
    if (found.length > 1) problems.push(`<${name}> appears ${found.length} times in <${parent.name}>`);
    return found[0];
  };
  const bool = (parent: Node, name: string, dflt: boolean): boolean => {
    const n = one(parent, name);
    if (!n) {
      problems.push(`<${name}> is missing from <${parent.name}> (write every element explicitly)`);
      return dflt;
    }
    const v = n.text.trim();
    if (v !== 'true' && v !== 'false') problems.push(`<${name}> is ${JSON.stringify(v)}, expected lower-case true/false`);
    return v === 'true';
  };
  for (const c of root.children) if (!SCHEME_CHILDREN.has(c.name)) problems.push(`unknown element <${c.name}> in <scheme>`);
  const title = one(root, 'title')?.text.trim() ?? '';
  if (!title) problems.push('<title> is missing or empty');
  const description = one(root, 'description')?.text;
  const useExternalValidation = bool(root, 'use_external_validation', true);
  const useSingleInstance = bool(root, 'use_single_instance', false);
  const mode = one(root, 'streaming_mode')?.text.trim();
  if (mode !== 'xml' && mode !== 'simple') problems.push(`<streaming_mode> is ${JSON.stringify(mode)}, expected xml or simple`);
  const args: SchemeArg[] = [];
  const endpoint = one(root, 'endpoint');
  const argsNode = endpoint && one(endpoint, 'args');
  if (!argsNode) problems.push('<endpoint><args> is missing');
  for (const a of argsNode?.children ?? []) {
    if (a.name !== 'arg') {
      problems.push(`unknown element <${a.name}> in <args>`);
      continue;
    }
    const name = a.attrs.name ?? '';
    if (!PARAM_NAME.test(name)) problems.push(`argument name ${JSON.stringify(name)} does not match [0-9a-zA-Z][0-9a-zA-Z_-]*`);
    for (const c of a.children) if (!ARG_CHILDREN.has(c.name)) problems.push(`unknown element <${c.name}> in <arg name="${name}">`);
    const dataType = one(a, 'data_type')?.text.trim() ?? 'string';
    if (!['string', 'number', 'boolean'].includes(dataType)) problems.push(`<arg name="${name}"> has data_type ${JSON.stringify(dataType)}`);
    const arg: SchemeArg = {
      name, dataType,
      requiredOnEdit: bool(a, 'required_on_edit', false),
      requiredOnCreate: bool(a, 'required_on_create', false),
    };
    for (const k of ['title', 'description', 'validation'] as const) {
      const v = one(a, k)?.text;
      if (v !== undefined) arg[k] = v;
    }
    args.push(arg);
  }
  const names = args.map((a) => a.name);
  for (const n of new Set(names)) if (names.filter((x) => x === n).length > 1) problems.push(`argument ${n} is declared twice`);
  const scheme: ParsedScheme = { title, useExternalValidation, useSingleInstance, streamingMode: mode === 'simple' ? 'simple' : 'xml', args };
  if (description !== undefined) scheme.description = description;
  return { scheme, problems };
}

export interface SchemeRun {
  code: number | null;
  stdout: string;
  logs: StderrLine[];
  scheme?: ParsedScheme;
  /** Empty when splunkd would register the kind. */
  problems: string[];
  /** What splunkd.log would say when introspection fails (§1.1). */
  splunkdLines: string[];
}

/** `<script> --scheme`, as splunkd's introspection runs it. */
export async function scheme(script: string, opts: { splunkHome: string; schemeName?: string; env?: Record<string, string | undefined> }): Promise<SchemeRun> {
  const run = runModularInput({ script, splunkHome: opts.splunkHome, args: ['--scheme'], env: opts.env });
  const r = await run.exited;
  const name = opts.schemeName ?? 'eventgen';
  const problems: string[] = [];
  let parsed: ParsedScheme | undefined;
  if (r.code !== 0) problems.push(`script running failed (exited with code ${r.code ?? r.signal})`);
  else {
    const checked = checkSchemeXml(r.stdout);
    parsed = checked.scheme;
    problems.push(...checked.problems);
  }
  const splunkdLines = problems.length === 0 ? [] : [
    ...run.logs.map((l) => `ERROR ModularInputs - <stderr> Introspecting scheme=${name}: ${l.text}`),
    `ERROR ModularInputs - Introspecting scheme=${name}: ${problems[0]}.`,
  ];
  return { code: r.code, stdout: r.stdout, logs: run.logs, ...(parsed ? { scheme: parsed } : {}), problems, splunkdLines };
}

export interface ValidateRun {
  ok: boolean;
  code: number | null;
  /** The `<error><message>` text splunkd would pass back to the REST/UI caller. */
  message?: string;
  stdout: string;
  logs: StderrLine[];
}

/** `<script> --validate-arguments` with `<items>` on stdin (§1.3). */
export async function validate(script: string, itemsXml: string | Buffer, opts: { splunkHome: string; env?: Record<string, string | undefined> }): Promise<ValidateRun> {
  const run = runModularInput({ script, splunkHome: opts.splunkHome, args: ['--validate-arguments'], inputXml: itemsXml, env: opts.env });
  const r = await run.exited;
  let message: string | undefined;
  if (r.code !== 0 && r.stdout.trim() !== '') {
    try {
      const root = parseDocument(r.stdout);
      const m = root.name === 'error' ? root.children.find((c) => c.name === 'message') : undefined;
      message = m ? m.text : `unexpected reply: ${r.stdout.trim().slice(0, 200)}`;
    } catch (e) {
      message = `malformed reply (${(e as Error).message}): ${r.stdout.trim().slice(0, 200)}`;
    }
  }
  return { ok: r.code === 0, code: r.code, ...(message !== undefined ? { message } : {}), stdout: r.stdout, logs: run.logs };
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Building the stdin documents splunkd writes
// ─────────────────────────────────────────────────────────────────────────────────────────────

export interface InputXmlSpec {
  serverHost?: string;
  serverUri: string;
  sessionKey: string;
  checkpointDir: string;
  stanzas: Array<{ name: string; app?: string; params: Record<string, string> }>;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function encodeDoc(xml: string, encoding: 'utf-8' | 'utf-16le' | 'utf-16be'): Buffer {
  if (encoding === 'utf-8') return Buffer.from(xml, 'utf8');
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml.replace('encoding="UTF-8"', 'encoding="utf-16"'), 'utf16le')]);
  return encoding === 'utf-16le' ? le : le.swap16();
}

/** An `<input>` document in the captured print-modinput-config shape (params sorted by name, as splunkd does). */
export function buildInputXml(spec: InputXmlSpec, encoding: 'utf-8' | 'utf-16le' | 'utf-16be' = 'utf-8'): Buffer {
  const stanzas = spec.stanzas.map((s) => {
    const params = Object.keys(s.params).sort().map((k) => `      <param name="${esc(k)}">${esc(s.params[k])}</param>\n`).join('');
    return `    <stanza name="${esc(s.name)}"${s.app !== undefined ? ` app="${esc(s.app)}"` : ''}>\n${params}    </stanza>\n`;
  }).join('');
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<input>\n' +
    `  <server_host>${esc(spec.serverHost ?? 'standin')}</server_host>\n` +
    `  <server_uri>${esc(spec.serverUri)}</server_uri>\n` +
    `  <session_key>${esc(spec.sessionKey)}</session_key>\n` +
    `  <checkpoint_dir>${esc(spec.checkpointDir)}</checkpoint_dir>\n` +
    (stanzas ? `  <configuration>\n${stanzas}  </configuration>\n` : '  <configuration/>\n') +
    '</input>\n';
  return encodeDoc(xml, encoding);
}

/** An `<items>` document for --validate-arguments (the item name has no `scheme://`). */
export function buildItemsXml(spec: Omit<InputXmlSpec, 'stanzas'> & { item: { name: string; params: Record<string, string> } }): Buffer {
  const params = Object.keys(spec.item.params).sort().map((k) => `    <param name="${esc(k)}">${esc(spec.item.params[k])}</param>\n`).join('');
  return Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<items>\n' +
    `  <server_host>${esc(spec.serverHost ?? 'standin')}</server_host>\n` +
    `  <server_uri>${esc(spec.serverUri)}</server_uri>\n` +
    `  <session_key>${esc(spec.sessionKey)}</session_key>\n` +
    `  <checkpoint_dir>${esc(spec.checkpointDir)}</checkpoint_dir>\n` +
    `  <item name="${esc(spec.item.name)}">\n${params}  </item>\n</items>\n`, 'utf8');
}

/** Parses a complete stdout capture (e.g. the SDK stream fixtures) with the same rules as a live run. */
export function parseEventStream(bytes: Buffer | string, opts: { requireStanza?: boolean } = {}): { events: StreamEvent[]; sawStreamEnd: boolean } {
  const events: StreamEvent[] = [];
  const r = new StreamReader((e) => events.push(e), !!opts.requireStanza);
  r.push(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8'));
  r.end();
  return { events, sawStreamEnd: r.sawEnd };
}
