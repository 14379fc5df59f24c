/**
 * A minimal promise-based HTTP(S) client over node:http with a keep-alive agent per receiver.
 * Node's global fetch cannot take a CA bundle or switch verification off without undici's Agent,
 * which is not a dependency, and HEC needs exactly those two knobs.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { codedError, serverNameFor, type TlsSettings } from './common';

export interface HttpEndpoint {
  readonly protocol: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  /** `https://host:port`, for messages. */
  readonly base: string;
  readonly agent: http.Agent;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query string. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** Whole request, from the first byte sent to the last byte received. */
  readonly timeoutMs: number;
}

/** `https://idx:8088` (an IPv6 address in brackets), as messages name an endpoint. */
export function baseUrl(protocol: 'http' | 'https', host: string, port: number): string {
  return `${protocol}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function makeEndpoint(protocol: 'http' | 'https', host: string, port: number, tls: TlsSettings | undefined, maxSockets = 32): HttpEndpoint {
  const base = baseUrl(protocol, host, port);
  const common = { keepAlive: true, maxSockets, scheduling: 'lifo' as const };
  const agent =
    protocol === 'https'
      ? new https.Agent({ ...common, rejectUnauthorized: tls?.rejectUnauthorized ?? true, ca: tls?.ca, servername: serverNameFor(host) })
      : new http.Agent(common);
  return { protocol, host, port, base, agent };
}

/**
 * Sends one request. A request that fails with a reset on a *reused* keep-alive socket is sent
 * once more on a fresh one: the server closed an idle connection just as we picked it, which says
 * nothing about the server's health (Node marks such requests with `reusedSocket`).
 */
export async function httpRequest(ep: HttpEndpoint, req: HttpRequest): Promise<HttpResponse> {
  try {
    return await once(ep, req);
  } catch (e) {
    if ((e as { reusedSocket?: boolean }).reusedSocket && (e as NodeJS.ErrnoException).code === 'ECONNRESET') return once(ep, req);
    throw e;
  }
}

function once(ep: HttpEndpoint, r: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...r.headers };
    if (r.body) headers['Content-Length'] = String(r.body.length);
    const mod = ep.protocol === 'https' ? https : http;
    const req = mod.request({ host: ep.host, port: ep.port, method: r.method, path: r.path, headers, agent: ep.agent });
    let settled = false;
    const finish = (err: Error | undefined, res?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        (err as { reusedSocket?: boolean }).reusedSocket = req.reusedSocket;
        reject(err);
      } else resolve(res!);
    };
    const timer = setTimeout(() => {
      const e = codedError('ETIMEDOUT', `no response within ${r.timeoutMs / 1000}s`);
      finish(e);
      req.destroy(e);
    }, r.timeoutMs);
    req.on('error', (e) => finish(e));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => finish(e));
      res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      // A response cut short (server killed mid-body) closes without 'end'. Every response closes,
      // so the error (a stack trace to capture) is only made when it is needed.
      res.on('close', () => {
        if (!settled) finish(codedError('ECONNRESET', 'the connection closed before the response was complete'));
      });
    });
    req.end(r.body);
  });
}

/** Retry-After in ms (seconds or an HTTP date), if the response has one. */
export function retryAfterMs(res: HttpResponse): number | undefined {
  const v = res.headers['retry-after'];
  if (!v) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}
