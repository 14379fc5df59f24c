/**
 * The HEC client behind `httpevent` and `metric_httpevent`.
 *
 * send(batch) cuts the batch into payloads (JSON objects or raw lines, split at
 * httpeventMaxPayloadSize, optionally gzipped), posts them in parallel and resolves once every
 * payload is delivered — with acknowledgement, once HEC has acknowledged it. A payload that fails
 * on one server is tried on the next live one at once; when none takes it, send throws a
 * RetryableError and the runner sends the batch again later. Payloads already delivered are
 * remembered per batch object, so a retried batch only resends what is missing (mirror mode
 * remembers per payload and server).
 *
 * The per-event work is not done here: the plugins' encode() (encodeHecBatch, hec-format.ts) builds
 * the JSON objects or raw lines and their sizes on the generator worker threads, and send() only
 * cuts the encoded bytes into payloads. A batch that comes with events only (a caller that does not
 * encode) is encoded here first, the same way.
 *
 * Response handling follows splunk-platform.md §6: 401/403 → bad token (PermanentError, naming
 * the server); 400 → the data was refused (PermanentError with HEC's text), except the channel
 * codes 10/11, which mean the server lost our channel; 429/503/5xx, timeouts and connection errors
 * → RetryableError.
 */
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { PermanentError, RetryableError, type EventRecord, type Output, type OutputBatch, type PluginLogger, type SampleSpec } from '../../../api';
import { AckChannel } from './hec-acks';
import { cutPayloads, encodeHecBatch, eventsOf, notMetricMessage, readHecBatch, type HecBatch, type HecEncoding, type WirePayload } from './hec-format';
import { HEC_SETTINGS } from './hec-settings';
import { parseHecServers, Rotation, type HecServerSpec, type Rotating } from './hec-servers';
import { httpRequest, makeEndpoint, retryAfterMs, type HttpEndpoint, type HttpResponse } from './http-client';
import { isConnectionLoss, networkFailure, outputLabel, readTls, SettingsReader, type TlsSettings } from './common';

const gzip = promisify(gzipCb);

export type HecFlavour = 'httpevent' | 'metric_httpevent';

export interface HecConfig {
  readonly flavour: HecFlavour;
  readonly who: string;
  readonly servers: readonly HecServerSpec[];
  readonly mode: 'roundrobin' | 'mirror';
  readonly maxPayload: number;
  readonly waitResponse: boolean;
  readonly allowFailures: number;
  readonly backoffMs: number;
  readonly endpoint: 'event' | 'raw';
  readonly gzip: boolean;
  readonly useAck: boolean;
  readonly ackTimeoutMs: number;
  readonly ackPollMs: number;
  readonly timeoutMs: number;
  readonly tls: TlsSettings;
}

/** Reads and validates every HEC setting of a sample; throws PermanentError naming the setting. */
export function readHecConfig(flavour: HecFlavour, sample: SampleSpec): HecConfig {
  const who = outputLabel(flavour, sample);
  const r = new SettingsReader(sample, who, HEC_SETTINGS);
  const servers = parseHecServers(r.raw('httpeventServers'), who);
  const endpoint = r.choice('httpeventEndpoint', ['event', 'raw'] as const);
  if (flavour === 'metric_httpevent' && endpoint === 'raw') {
    r.fail('httpeventEndpoint', 'raw', 'cannot carry metrics; metric_httpevent needs httpeventEndpoint = event');
  }
  const tls = readTls(r, 'httpeventSslVerify', 'httpeventCaFile');
  return {
    flavour,
    who,
    servers,
    mode: r.choice('httpeventOutputMode', ['roundrobin', 'mirror'] as const),
    maxPayload: r.int('httpeventMaxPayloadSize', 1),
    waitResponse: r.bool('httpeventWaitResponse'),
    allowFailures: r.int('httpeventAllowFailureCount', 1),
    backoffMs: r.float('httpeventServerBackoff', 0) * 1000,
    endpoint,
    gzip: r.bool('httpeventGzip'),
    useAck: r.bool('httpeventUseAck'),
    ackTimeoutMs: r.float('httpeventAckTimeout', 0.01) * 1000,
    ackPollMs: r.float('httpeventAckPollInterval', 0.01) * 1000,
    timeoutMs: r.float('httpeventTimeout', 0.01) * 1000,
    tls,
  };
}

interface Server extends Rotating {
  readonly spec: HecServerSpec;
  readonly ep: HttpEndpoint;
  /** `server 2 (https://idx2:8088)` */
  readonly where: string;
  readonly auth: string;
  /** Present with httpeventUseAck. */
  acks?: AckChannel;
  /** Channel for the raw endpoint without acks (the REST reference requires one there). */
  readonly plainChannel: string;
  warnedNoAckId: boolean;
}

interface Prepared {
  readonly body: Buffer;
  readonly count: number;
  readonly path: string;
}

interface Progress {
  readonly prepared: Promise<Prepared[]>;
  /** Keys of delivered payloads: `i` (roundrobin) or `i@n` (mirror, server n). */
  readonly done: Set<string>;
}

/** With httpeventWaitResponse = false, at most this many batches are in flight unawaited. */
const MAX_BACKGROUND = 16;

export class HecOutput implements Output {
  readonly #servers: Server[];
  readonly #rotation: Rotation<Server>;
  readonly #progress = new WeakMap<OutputBatch, Progress>();
  readonly #background = new Set<Promise<void>>();
  /** What encode() makes for this output, and what send() makes of a batch that has only events. */
  readonly #encoding: HecEncoding;
  #closed = false;

  constructor(
    readonly cfg: HecConfig,
    private readonly log: PluginLogger,
  ) {
    this.#servers = cfg.servers.map((spec) => this.#makeServer(spec));
    this.#rotation = new Rotation(this.#servers, cfg.allowFailures, cfg.backoffMs);
    this.#encoding = cfg.flavour === 'metric_httpevent' ? 'metric' : cfg.endpoint;
    if (cfg.useAck && !cfg.waitResponse) log.warn(`${cfg.who}: httpeventUseAck = true waits for every acknowledgement; httpeventWaitResponse = false is ignored`);
  }

  async send(batch: OutputBatch): Promise<void> {
    if (this.#closed) throw new PermanentError(`${this.cfg.who}: send() after close()`);
    if (this.cfg.waitResponse || this.cfg.useAck) return this.#deliver(batch);
    // The original's httpeventWaitResponse = false: hand the batch over and move on; failures are
    // only logged. Bounded, so a dead server cannot pile up unbounded work in memory.
    while (this.#background.size >= MAX_BACKGROUND) await Promise.race(this.#background);
    const p: Promise<void> = this.#deliver(batch)
      .catch((e: Error) => this.log.error(`${e.message} (httpeventWaitResponse = false: ${batch.count} event(s) not re-sent)`))
      .finally(() => this.#background.delete(p));
    this.#background.add(p);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.#background]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    for (const s of this.#servers) {
      s.acks?.close();
      s.ep.agent.destroy();
    }
  }

  #makeServer(spec: HecServerSpec): Server {
    const ep = makeEndpoint(spec.protocol, spec.address, spec.port, this.cfg.tls);
    const where = `server ${spec.n} (${ep.base})`;
    const s: Server = { spec, ep, where, auth: `Splunk ${spec.key}`, plainChannel: randomUUID(), warnedNoAckId: false, failures: 0, outUntil: 0 };
    if (this.cfg.useAck) {
      s.acks = new AckChannel({
        who: `${this.cfg.who}: ${where}`,
        pollMs: this.cfg.ackPollMs,
        timeoutMs: this.cfg.ackTimeoutMs,
        query: (channel, ids) => this.#queryAcks(s, channel, ids),
        isConnectionLoss,
        log: this.log,
      });
    }
    return s;
  }

  async #deliver(batch: OutputBatch): Promise<void> {
    let st = this.#progress.get(batch);
    if (!st) {
      st = { prepared: this.#prepare(batch), done: new Set() };
      this.#progress.set(batch, st);
    }
    const prepared = await st.prepared;
    const done = st.done;
    const results = await Promise.allSettled(prepared.map((p, i) => (this.cfg.mode === 'mirror' ? this.#mirror(p, i, done) : this.#roundRobin(p, i, done))));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length === 0) {
      this.#progress.delete(batch);
      return;
    }
    const reasons = failed.map((r) => r.reason as Error);
    const permanent = reasons.find((e) => e instanceof PermanentError);
    if (permanent) throw permanent;
    const retryAfter = Math.max(0, ...reasons.map((e) => (e instanceof RetryableError ? (e.retryAfterMs ?? 0) : 0)));
    const first = reasons[0].message;
    const who = `${this.cfg.who}: `;
    const msg =
      prepared.length === 1
        ? first
        : `${who}${failed.length} of ${prepared.length} payloads not delivered (a retry sends only those); first error: ${first.startsWith(who) ? first.slice(who.length) : first}`;
    throw new RetryableError(msg, retryAfter || undefined);
  }

  async #prepare(batch: OutputBatch): Promise<Prepared[]> {
    const payloads = this.#payloads(batch);
    const path = this.cfg.endpoint === 'raw' ? '/services/collector/raw' : '/services/collector/event';
    return Promise.all(
      payloads.map(async (p) => ({
        body: this.cfg.gzip ? await gzip(p.body) : p.body,
        count: p.count,
        path: p.query ? `${path}?${p.query}` : path,
      })),
    );
  }

  /** The batch's request bodies, cut from its encoding (or from the encoding of its events). */
  #payloads(batch: OutputBatch): WirePayload[] {
    const { who, endpoint, maxPayload } = this.cfg;
    const read = this.#read(batch);
    if ('notMetric' in read) {
      const [at, why, rawHead] = read.notMetric;
      throw new PermanentError(notMetricMessage(who, at, rawHead, why));
    }
    if (read.endpoint === endpoint) return cutPayloads(read, maxPayload);
    // encode() was called without the sample's settings (the runner encodes the events of a
    // main-thread generator such as replay itself), so it made event objects: they hold
    // everything the raw endpoint needs. Raw lines cannot become event objects (no time).
    const raw = this.#encoding === 'raw' ? this.#encodeHere(eventsOf(read)) : undefined;
    if (raw && !('notMetric' in raw)) return cutPayloads(raw, maxPayload);
    throw new PermanentError(`${who}: the batch is not encoded for httpeventEndpoint = ${endpoint}`);
  }

  #read(batch: OutputBatch): HecBatch {
    const { who, flavour } = this.cfg;
    if (typeof batch.encoded === 'string') {
      const read = readHecBatch(batch.encoded);
      if (!read) throw new PermanentError(`${who}: the batch is not in the encoding of ${flavour}'s encode(): ${JSON.stringify(batch.encoded.slice(0, 40))}`);
      return read;
    }
    if (!batch.events) throw new PermanentError(`${who}: the batch has no events`);
    return this.#encodeHere(batch.events);
  }

  /** Encodes on this thread, for callers that hand over events (and for the raw case above). */
  #encodeHere(events: readonly EventRecord[]): HecBatch {
    const read = readHecBatch(encodeHecBatch(events, this.#encoding));
    if (!read) throw new Error(`${this.cfg.who}: an encoded batch could not be read back`);
    return read;
  }

  async #roundRobin(p: Prepared, i: number, done: Set<string>): Promise<void> {
    const key = String(i);
    if (done.has(key)) return;
    const tried = new Set<Server>();
    let last: Error | undefined;
    for (;;) {
      const s = this.#rotation.pick(tried);
      if (!s) break;
      tried.add(s);
      try {
        await this.#post(s, p);
        this.#succeeded(s);
        done.add(key);
        return;
      } catch (e) {
        if (e instanceof PermanentError) throw e;
        this.#failed(s, e as Error);
        last = e as Error;
      }
    }
    if (last) throw last;
    throw this.#allOut();
  }

  async #mirror(p: Prepared, i: number, done: Set<string>): Promise<void> {
    const live = this.#servers.filter((s) => this.#rotation.isIn(s));
    if (live.length === 0) throw this.#allOut();
    const todo = live.filter((s) => !done.has(`${i}@${s.spec.n}`));
    const results = await Promise.allSettled(
      todo.map(async (s) => {
        try {
          await this.#post(s, p);
        } catch (e) {
          if (!(e instanceof PermanentError)) this.#failed(s, e as Error);
          throw e;
        }
        this.#succeeded(s);
        done.add(`${i}@${s.spec.n}`);
      }),
    );
    const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error);
    if (errors.length > 0) throw errors.find((e) => e instanceof PermanentError) ?? errors[0];
  }

  #allOut(): RetryableError {
    const wait = this.#rotation.waitMs();
    return new RetryableError(`${this.cfg.who}: every HEC server is out of rotation after ${this.cfg.allowFailures} consecutive failure(s); the next one is tried again in ${Math.ceil(wait / 1000)}s`, wait);
  }

  #succeeded(s: Server): void {
    if (this.#rotation.succeeded(s)) this.log.info(`${this.cfg.who}: ${s.where} is back in rotation`);
  }

  #failed(s: Server, e: Error): void {
    if (this.#rotation.failed(s)) {
      const mirrorNote = this.cfg.mode === 'mirror' ? ' (it receives no mirror copies meanwhile)' : '';
      this.log.warn(`${this.cfg.who}: taking ${s.where} out of rotation for ${this.cfg.backoffMs / 1000}s after ${s.failures} consecutive failure(s)${mirrorNote}; last: ${e.message}`);
    }
  }

  /** One POST to one server; with acks, resolves once acknowledged. */
  async #post(s: Server, p: Prepared): Promise<void> {
    const { who, useAck, endpoint, timeoutMs, tls } = this.cfg;
    const headers: Record<string, string> = {
      Authorization: s.auth,
      'Content-Type': endpoint === 'raw' ? 'text/plain; charset=utf-8' : 'application/json',
      'User-Agent': 'eventgen',
    };
    if (this.cfg.gzip) headers['Content-Encoding'] = 'gzip';
    const channel = s.acks?.channel ?? (endpoint === 'raw' ? s.plainChannel : undefined);
    if (channel) headers['X-Splunk-Request-Channel'] = channel;
    let res: HttpResponse;
    try {
      res = await httpRequest(s.ep, { method: 'POST', path: p.path, headers, body: p.body, timeoutMs });
    } catch (e) {
      // A refused or reset connection may be a restarted server, which has forgotten our channel.
      if (s.acks && isConnectionLoss(e)) s.acks.reset(`a request failed: ${(e as Error).message}`);
      throw networkFailure(who, s.where, e, tls);
    }
    if (res.status < 200 || res.status > 299) throw this.#refused(s, res, 'the data', channel !== undefined);
    if (!s.acks || !useAck) return;
    const ackId = parseHecBody(res.body)?.ackId;
    if (typeof ackId !== 'number') {
      if (!s.warnedNoAckId) {
        s.warnedNoAckId = true;
        this.log.warn(`${who}: ${s.where} returns no ackId, so acknowledgement is off for its token (useACK = false?); counting HTTP 200 as delivered`);
      }
      return;
    }
    await s.acks.wait(channel!, ackId);
  }

  async #queryAcks(s: Server, channel: string, ids: number[]): Promise<Record<string, boolean>> {
    const res = await httpRequest(s.ep, {
      method: 'POST',
      path: `/services/collector/ack?channel=${encodeURIComponent(channel)}`,
      headers: { Authorization: s.auth, 'Content-Type': 'application/json', 'X-Splunk-Request-Channel': channel, 'User-Agent': 'eventgen' },
      body: Buffer.from(JSON.stringify({ acks: ids })),
      timeoutMs: this.cfg.timeoutMs,
    });
    if (res.status !== 200) {
      const body = parseHecBody(res.body);
      if (res.status === 400 && body?.code === 14) {
        throw new PermanentError(`${this.cfg.who}: ${s.where} says ACK is disabled for this token (HEC code 14); enable useACK on the token or set httpeventUseAck = false`);
      }
      throw this.#refused(s, res, 'the acknowledgement query', true);
    }
    const acks = (parseHecBody(res.body) as { acks?: unknown } | undefined)?.acks;
    if (!acks || typeof acks !== 'object') throw new RetryableError(`${this.cfg.who}: ${s.where} answered the acknowledgement query with ${JSON.stringify(res.body.slice(0, 200))}`);
    return acks as Record<string, boolean>;
  }

  /** The error for a non-2xx HEC response. */
  #refused(s: Server, res: HttpResponse, what: string, sentChannel: boolean): Error {
    const { who } = this.cfg;
    const body = parseHecBody(res.body);
    const detail = body?.text !== undefined ? `${body.text} (HEC code ${body.code}${body.invalidEvent !== undefined ? `, event ${body.invalidEvent + 1} of the request` : ''})` : snippet(res.body);
    const status = res.status;
    if (status === 401 || status === 403) {
      return new PermanentError(`${who}: ${s.where} refused the token of server ${s.spec.n} in httpeventServers: HTTP ${status} ${detail}`);
    }
    if (status === 400 && body?.code === 10 && !sentChannel) {
      return new PermanentError(`${who}: ${s.where} refused ${what}: HTTP 400 ${detail}; its token uses indexer acknowledgement, so set httpeventUseAck = true`);
    }
    if (status === 400 && (body?.code === 10 || body?.code === 11)) {
      // The server does not know our channel (restarted, or cleaned it up when idle): start over.
      s.acks?.reset(`HEC answered "${body.text}"`);
      return new RetryableError(`${who}: ${s.where} refused ${what}: HTTP 400 ${detail}`);
    }
    if (status === 400) return new PermanentError(`${who}: ${s.where} refused ${what}: HTTP 400 ${detail}`);
    if (status === 408 || status === 429 || status >= 500) {
      return new RetryableError(`${who}: ${s.where} answered HTTP ${status} ${detail}`, retryAfterMs(res));
    }
    const hint = status === 413 ? '; lower httpeventMaxPayloadSize' : status === 404 ? '; is HEC enabled on this port?' : '';
    return new PermanentError(`${who}: ${s.where} answered HTTP ${status} ${detail}${hint}`);
  }
}

interface HecBody {
  text?: string;
  code?: number;
  invalidEvent?: number;
  ackId?: number;
  acks?: unknown;
}

export function parseHecBody(text: string): HecBody | undefined {
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (o === null || typeof o !== 'object') return undefined;
    const inv = o['invalid-event-number'];
    return {
      text: typeof o.text === 'string' ? o.text : undefined,
      code: typeof o.code === 'number' ? o.code : undefined,
      invalidEvent: typeof inv === 'number' ? inv : undefined,
      ackId: typeof o.ackId === 'number' ? o.ackId : undefined,
      acks: o.acks,
    };
  } catch {
    return undefined;
  }
}

function snippet(body: string): string {
  const s = body.trim().replace(/\s+/g, ' ');
  return s ? JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s) : '(empty body)';
}
