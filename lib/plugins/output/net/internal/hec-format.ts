/**
 * Turning a batch of events into HEC request bodies.
 *
 * /services/collector/event takes JSON objects concatenated with no separator (not an array), so a
 * body is built by string concatenation and split wherever the next object would push it past the
 * payload limit. Per event only the variable parts go through JSON.stringify (which is what
 * escapes them correctly); the metadata part is reused while it repeats, which in a batch from
 * one sample is nearly always.
 *
 * The work is done in two places. encodeHecBatch() is the plugins' encode(): it runs on the
 * generator worker threads (for queueable generators) and does everything that costs per event —
 * the JSON objects or raw lines, their UTF-8 sizes, the metric conversion. It returns one string:
 * a header line (JSON: the endpoint and the byte size of every piece, per query string) and then
 * the pieces back to back, exactly as they go on the wire. On the main thread send() only reads
 * the header (readHecBatch) and cuts the bytes into bodies at piece boundaries (cutPayloads),
 * without looking at an event again.
 */
import { PermanentError, type EventRecord } from '../../../api';

export interface Payload {
  /** Uncompressed request body. */
  readonly body: string;
  readonly count: number;
  /** Query string for the raw endpoint (`index=…&host=…`), without `?` and without the channel. */
  readonly query: string;
}

/** Epoch seconds as HEC wants them: a number, at most millisecond precision; none if unusable. */
export function hecTime(t: number): string | undefined {
  if (!Number.isFinite(t) || t < 0) return undefined;
  return String(Math.round(t * 1000) / 1000);
}

/** `,"host":…,"source":…,"sourcetype":…,"index":…` for the last metadata seen; empty values are left out so the token's defaults apply. */
class MetaCache {
  #host?: string;
  #source?: string;
  #sourcetype?: string;
  #index?: string;
  #text = '';

  of(e: EventRecord): string {
    if (e.host !== this.#host || e.source !== this.#source || e.sourcetype !== this.#sourcetype || e.index !== this.#index) {
      this.#host = e.host;
      this.#source = e.source;
      this.#sourcetype = e.sourcetype;
      this.#index = e.index;
      this.#text = field('host', e.host) + field('source', e.source) + field('sourcetype', e.sourcetype) + field('index', e.index);
    }
    return this.#text;
  }
}

function field(name: string, v: string | undefined): string {
  return v ? `,"${name}":${JSON.stringify(v)}` : '';
}

/** `{"time":…,"host":…,…,` — everything before the event; `time` leads, as in the original. */
function head(e: EventRecord, meta: MetaCache): string {
  const t = hecTime(e.time);
  const m = meta.of(e);
  // Without a usable time HEC stamps the event with its arrival time.
  const inner = t === undefined ? m.slice(1) : `"time":${t}${m}`;
  return inner ? `{${inner},` : '{';
}

/** One JSON object per event: `{"time","host","source","sourcetype","index","event"}`. */
export function eventObjects(events: readonly EventRecord[]): string[] {
  const meta = new MetaCache();
  const out = new Array<string>(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    out[i] = `${head(e, meta)}"event":${JSON.stringify(e.raw)}}`;
  }
  return out;
}

/**
 * Metric objects like the original's metric_httpevent: `_raw` is a JSON document whose `fields`
 * become the HEC `fields` and `event` is the literal "metric". One event that is not such a
 * document fails the whole batch, since HEC would reject the request anyway.
 */
export function metricObjects(events: readonly EventRecord[], who: string): string[] {
  const m = metricPieces(events);
  if (m instanceof NotMetric) throw new PermanentError(notMetricMessage(who, m.at, metricHead(events[m.at].raw), m.why));
  return m;
}

/** The first event of a batch that cannot be a metric: its place in the batch (0-based) and why. */
class NotMetric {
  constructor(
    readonly at: number,
    readonly why: string,
  ) {}
}

function metricPieces(events: readonly EventRecord[]): string[] | NotMetric {
  const meta = new MetaCache();
  const out = new Array<string>(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const fields = metricFields(e.raw, i);
    if (fields instanceof NotMetric) return fields;
    out[i] = `${head(e, meta)}"event":"metric","fields":${fields}}`;
  }
  return out;
}

/** The `fields` object of the _raw of event `i` of a batch, as JSON; or why it has none. */
function metricFields(raw: string, i: number): string | NotMetric {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch (e) {
    return new NotMetric(i, `it is not JSON (${(e as Error).message})`);
  }
  const fields = (doc as { fields?: unknown } | null)?.fields;
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return new NotMetric(i, 'it has no "fields" object');
  return JSON.stringify(fields);
}

/** The start of an event's _raw, as messages quote it. */
function metricHead(raw: string): string {
  return raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
}

/** Why a batch cannot go to metric_httpevent; `at` is the event's 0-based place in the batch. */
export function notMetricMessage(who: string, at: number, rawHead: string, why: string): string {
  return `${who}: event ${at + 1} of the batch cannot be sent as a metric: ${why}; metric events must be JSON like {"fields":{"metric_name:cpu.idle":97}}, this one is ${JSON.stringify(rawHead)}`;
}

/**
 * Where bodies are cut: for consecutive pieces of the given byte sizes, the number of pieces and
 * bytes of each body. A body never exceeds `maxBytes`, except a piece that is alone larger than the
 * limit: it still goes, alone (refusing it would lose the event for a limit that is ours, not HEC's).
 */
function cuts(sizes: readonly number[], maxBytes: number): Array<[count: number, bytes: number]> {
  const out: Array<[number, number]> = [];
  let count = 0;
  let bytes = 0;
  for (let i = 0; i < sizes.length; i++) {
    const n = sizes[i];
    if (count > 0 && bytes + n > maxBytes) {
      out.push([count, bytes]);
      count = 0;
      bytes = 0;
    }
    count++;
    bytes += n;
  }
  if (count > 0) out.push([count, bytes]);
  return out;
}

/** Packs pieces into bodies of at most `maxBytes` bytes (see cuts()). */
export function pack(pieces: readonly string[], maxBytes: number, query = ''): Payload[] {
  let i = 0;
  return cuts(pieces.map((p) => Buffer.byteLength(p)), maxBytes).map(([count]) => {
    const body = pieces.slice(i, i + count).join('');
    i += count;
    return { body, count, query };
  });
}

/** Pieces that share a query string (the raw endpoint's metadata; '' for the event endpoint). */
interface Group {
  readonly query: string;
  readonly pieces: string[];
}

/**
 * The raw endpoint's pieces. Metadata travels in the query string, so events are grouped by
 * (index, host, source, sourcetype), in order of first appearance; each event is one line.
 */
function rawGroups(events: readonly EventRecord[]): Group[] {
  const groups = new Map<string, Group>();
  for (const e of events) {
    const key = `${e.index}\u0000${e.host}\u0000${e.source}\u0000${e.sourcetype}`;
    let g = groups.get(key);
    if (!g) {
      const q = new URLSearchParams();
      if (e.index) q.set('index', e.index);
      if (e.host) q.set('host', e.host);
      if (e.source) q.set('source', e.source);
      if (e.sourcetype) q.set('sourcetype', e.sourcetype);
      g = { query: q.toString(), pieces: [] };
      groups.set(key, g);
    }
    g.pieces.push(`${e.raw}\n`);
  }
  return [...groups.values()];
}

/** Bodies for /services/collector/raw: one line per event, grouped by metadata (see rawGroups()). */
export function rawPayloads(events: readonly EventRecord[], maxBytes: number): Payload[] {
  return rawGroups(events).flatMap((g) => pack(g.pieces, maxBytes, g.query));
}

// ─── The encoded batch: encode() on a worker thread, send() on the main thread ───

/** The endpoint an encoded batch is for. */
export type HecEndpoint = 'event' | 'raw';

/** What encode() makes of events: event objects, raw lines, or metric objects (for the event endpoint). */
export type HecEncoding = HecEndpoint | 'metric';

/** The header line of an encoded batch (JSON). `hec` is the format's version. */
interface Header {
  readonly hec: 1;
  readonly endpoint: HecEndpoint;
  /** Per group, in body order: its query string and the UTF-8 byte size of each of its pieces. */
  readonly groups: ReadonlyArray<readonly [query: string, sizes: readonly number[]]>;
}

/** The header of a metric batch with an event that is not a metric: [0-based place, why, start of its _raw]. */
interface NotMetricHeader {
  readonly hec: 1;
  readonly notMetric: readonly [at: number, why: string, rawHead: string];
}

/** An encoded batch as send() reads it: the header, and the bytes of the pieces after it. */
export type EncodedBatch = Header & { readonly body: Buffer };

/** What readHecBatch() finds: pieces to send, or the event that keeps a metric batch from going. */
export type HecBatch = EncodedBatch | NotMetricHeader;

const MAGIC = '{"hec":1,';

/**
 * Encodes a batch for send(): the header line, then every piece (event JSON object or raw line),
 * back to back as on the wire. Never throws for bad metric events: the batch then says which
 * event is not a metric, and send() fails it with that message (a throw here, on a worker thread,
 * would stop the sample as if its generator had failed).
 */
export function encodeHecBatch(events: readonly EventRecord[], encoding: HecEncoding): string {
  if (encoding === 'raw') return frame('raw', rawGroups(events));
  if (encoding === 'event') return frame('event', [{ query: '', pieces: eventObjects(events) }]);
  const m = metricPieces(events);
  if (!(m instanceof NotMetric)) return frame('event', [{ query: '', pieces: m }]);
  const header: NotMetricHeader = { hec: 1, notMetric: [m.at, m.why, metricHead(events[m.at].raw)] };
  return `${JSON.stringify(header)}\n`;
}

function frame(endpoint: HecEndpoint, groups: readonly Group[]): string {
  const header: Header = { hec: 1, endpoint, groups: groups.map((g) => [g.query, g.pieces.map((p) => Buffer.byteLength(p))]) };
  let body = '';
  for (const g of groups) body += g.pieces.join('');
  return `${JSON.stringify(header)}\n${body}`;
}

/**
 * Reads what encodeHecBatch() made: the header, and the pieces as one UTF-8 buffer. Undefined for
 * text that is not such a batch, or whose pieces do not add up to the header's sizes.
 */
export function readHecBatch(encoded: string): HecBatch | undefined {
  const nl = encoded.indexOf('\n');
  if (nl < 0 || !encoded.startsWith(MAGIC)) return undefined;
  let header: Header | NotMetricHeader;
  try {
    header = JSON.parse(encoded.slice(0, nl)) as Header | NotMetricHeader;
  } catch {
    return undefined;
  }
  if ('notMetric' in header) return Array.isArray(header.notMetric) ? header : undefined;
  if ((header.endpoint !== 'event' && header.endpoint !== 'raw') || !Array.isArray(header.groups)) return undefined;
  const body = Buffer.from(encoded.slice(nl + 1));
  let total = 0;
  for (const [, sizes] of header.groups) for (let i = 0; i < sizes.length; i++) total += sizes[i];
  return total === body.length ? { ...header, body } : undefined;
}

/** One request body, a view of the encoded batch's buffer. */
export interface WirePayload {
  readonly body: Buffer;
  readonly count: number;
  /** Query string for the raw endpoint, as in Payload. */
  readonly query: string;
}

/** Cuts an encoded batch into bodies of at most `maxBytes` bytes, at piece boundaries (see cuts()). */
export function cutPayloads(batch: EncodedBatch, maxBytes: number): WirePayload[] {
  const out: WirePayload[] = [];
  let offset = 0;
  for (const [query, sizes] of batch.groups) {
    for (const [count, bytes] of cuts(sizes, maxBytes)) {
      out.push({ body: batch.body.subarray(offset, offset + bytes), count, query });
      offset += bytes;
    }
  }
  return out;
}

/**
 * The events of an encoded event-endpoint batch, read back from its JSON objects: what is needed
 * to send them to the raw endpoint (text and metadata) when encode() was not told the endpoint.
 */
export function eventsOf(batch: EncodedBatch): EventRecord[] {
  const out: EventRecord[] = [];
  let offset = 0;
  for (const [, sizes] of batch.groups) {
    for (const n of sizes) {
      const o = JSON.parse(batch.body.toString('utf8', offset, offset + n)) as { event: string; time?: number; host?: string; source?: string; sourcetype?: string; index?: string };
      offset += n;
      out.push({ raw: o.event, time: o.time ?? NaN, host: o.host ?? '', source: o.source ?? '', sourcetype: o.sourcetype ?? '', index: o.index ?? '' });
    }
  }
  return out;
}
