/**
 * Turning a batch of events into HEC request bodies.
 *
 * /services/collector/event takes JSON objects concatenated with no separator (not an array), so a
 * body is built by string concatenation and split wherever the next object would push it past the
 * payload limit. Per event only the variable parts go through JSON.stringify (which is what
 * escapes them correctly); the metadata part is reused while it repeats, which in a batch from
 * one sample is nearly always.
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
  const meta = new MetaCache();
  const out = new Array<string>(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    out[i] = `${head(e, meta)}"event":"metric","fields":${metricFields(e.raw, i, who)}}`;
  }
  return out;
}

function metricFields(raw: string, i: number, who: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch (e) {
    throw notMetric(who, i, raw, `it is not JSON (${(e as Error).message})`);
  }
  const fields = (doc as { fields?: unknown } | null)?.fields;
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw notMetric(who, i, raw, 'it has no "fields" object');
  }
  return JSON.stringify(fields);
}

function notMetric(who: string, i: number, raw: string, why: string): PermanentError {
  const head = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
  return new PermanentError(`${who}: event ${i + 1} of the batch cannot be sent as a metric: ${why}; metric events must be JSON like {"fields":{"metric_name:cpu.idle":97}}, this one is ${JSON.stringify(head)}`);
}

/**
 * Packs pieces into bodies of at most `maxBytes` bytes. A piece that is alone larger than the
 * limit still goes, alone: refusing it would lose the event for a limit that is ours, not HEC's.
 */
export function pack(pieces: readonly string[], maxBytes: number, query = ''): Payload[] {
  const out: Payload[] = [];
  let parts: string[] = [];
  let size = 0;
  for (const p of pieces) {
    const n = Buffer.byteLength(p);
    if (parts.length > 0 && size + n > maxBytes) {
      out.push({ body: parts.join(''), count: parts.length, query });
      parts = [];
      size = 0;
    }
    parts.push(p);
    size += n;
  }
  if (parts.length > 0) out.push({ body: parts.join(''), count: parts.length, query });
  return out;
}

/**
 * Bodies for /services/collector/raw. Metadata travels in the query string, so events are grouped
 * by (index, host, source, sourcetype), in order of first appearance; each event is one line.
 */
export function rawPayloads(events: readonly EventRecord[], maxBytes: number): Payload[] {
  const groups = new Map<string, { query: string; lines: string[] }>();
  for (const e of events) {
    const key = `${e.index}\u0000${e.host}\u0000${e.source}\u0000${e.sourcetype}`;
    let g = groups.get(key);
    if (!g) {
      const q = new URLSearchParams();
      if (e.index) q.set('index', e.index);
      if (e.host) q.set('host', e.host);
      if (e.source) q.set('source', e.source);
      if (e.sourcetype) q.set('sourcetype', e.sourcetype);
      g = { query: q.toString(), lines: [] };
      groups.set(key, g);
    }
    g.lines.push(`${e.raw}\n`);
  }
  const out: Payload[] = [];
  for (const g of groups.values()) out.push(...pack(g.lines, maxBytes, g.query));
  return out;
}
