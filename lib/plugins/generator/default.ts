/**
 * The `default` generator (sample mode): picks `count` events from the sample — in order,
 * wrapping round, or at random with `randomizeEvents` — and fills their token slots. The
 * sample is loaded and compiled once per thread in create(); generate() only renders.
 */
import type { EventRecord, Generator, GeneratorPlugin, GenerationJob, GeneratorContext, SampleSpec } from '../api';
import { PLUGIN_API_VERSION } from '../api';
import { loadSample, type SampleEvent } from '../../samples/load';
import { compileReplacer, nextSerial, TokenError, type EventContext } from '../../tokens/replacers';
import { compiledToken, compileTemplate, compileTokenRegex, render, renderLine, writeLine, type CompiledToken, type Template } from '../../tokens/template';
import { ByteSink } from '../../tokens/bytes';
import { parseTimeZone, type TimeZone } from '../../time/tz';
import { formatterUsesSubsecond } from '../../time/strftime';
import { compilePythonRegex, RegexError } from '../../tokens/pyregex';
import { resolveDataFile } from '../../util/paths';
import { readFileSync } from 'node:fs';

export class SampleSetupError extends Error {}

/** Everything about a sample that is computed once: templates, tokens, metadata. */
export interface CompiledSample {
  readonly events: readonly SampleEvent[];
  readonly templates: readonly Template[];
  readonly tokens: readonly CompiledToken[];
  readonly tz: TimeZone;
  readonly subsecond: boolean;
  readonly meta: (e: SampleEvent, random: GeneratorContext['random']) => Omit<EventRecord, 'raw' | 'time'>;
  /** meta() draws random numbers (extendIndexes, host.token): it must run even when unused. */
  readonly metaIsRandom: boolean;
}

export function compileTokens(sample: SampleSpec): CompiledToken[] {
  return sample.tokens.map((spec) => {
    let regex: RegExp;
    try {
      regex = compileTokenRegex(spec.token);
    } catch (e) {
      throw new SampleSetupError(`token.${spec.n}.token = ${JSON.stringify(spec.token)} is not a valid regular expression: ${(e as RegexError).message}`);
    }
    try {
      return compiledToken(spec, regex, compileReplacer(spec, sample));
    } catch (e) {
      if (e instanceof TokenError) throw new SampleSetupError(`token.${spec.n}.replacement = ${JSON.stringify(spec.replacement)}: ${e.message}`);
      throw e;
    }
  });
}

export function compileSample(sample: SampleSpec, events?: readonly SampleEvent[]): CompiledSample {
  const s = sample.settings;
  const evs =
    events ??
    (sample.file
      ? loadSample(sample.file, { sampletype: String(s.sampletype), breaker: String(s.breaker), bundlelines: s.bundlelines === true })
      : []);
  const tokens = compileTokens(sample);
  const tz = parseTimeZone(String(s.timezone ?? 'local'));
  if (!tz) throw new SampleSetupError(`timezone = ${JSON.stringify(s.timezone)} is not a time zone`);
  const subsecond = tokens.some((t) => (t.spec.replacementType === 'timestamp' || t.spec.replacementType === 'replaytimestamp') && formatterUsesSubsecond(t.spec.replacement));
  const metaIsRandom = extendIndexes(s.extendIndexes as string | undefined) !== undefined || sample.hostToken !== undefined;
  return { events: evs, templates: evs.map((e) => compileTemplate(e.raw, tokens)), tokens, tz, subsecond, meta: metadataFor(sample), metaIsRandom };
}

/** Index, host, source and sourcetype of an event: CSV row values win over the stanza's. */
function metadataFor(sample: SampleSpec): CompiledSample['meta'] {
  const s = sample.settings;
  const index = String(s.index);
  const host = String(s.host);
  const source = String(s.source);
  const sourcetype = String(s.sourcetype);
  const indexes = extendIndexes(s.extendIndexes as string | undefined);
  const hostSwap = hostReplacer(sample);
  return (e, random) => ({
    index: indexes ? random.pick(indexes) : (e.index ?? index),
    host: hostSwap ? hostSwap(e.host ?? host, random) : (e.host ?? host),
    source: e.source ?? source,
    sourcetype: e.sourcetype ?? sourcetype,
  });
}

/** `prefix:N, idx2` → prefix0 … prefix(N-1), idx2. */
export function extendIndexes(v: string | undefined): string[] | undefined {
  if (!v || !v.trim()) return undefined;
  const out: string[] = [];
  for (const part of v.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(.*):(\d+)$/.exec(part);
    if (m) for (let i = 0; i < Number(m[2]); i++) out.push(`${m[1]}${i}`);
    else out.push(part);
  }
  return out.length ? out : undefined;
}

/** host.token / host.replacement: a file token applied to the host field. */
function hostReplacer(sample: SampleSpec): ((host: string, random: GeneratorContext['random']) => string) | undefined {
  if (!sample.hostToken) return undefined;
  let inner: RegExp;
  try {
    inner = compilePythonRegex(sample.hostToken.token, 'g');
  } catch (e) {
    throw new SampleSetupError(`host.token = ${JSON.stringify(sample.hostToken.token)} is not a valid regular expression: ${(e as Error).message}`);
  }
  let spec = sample.hostToken.replacement.trim();
  let col = 0;
  const m = /^(.*):(\d+)$/.exec(spec);
  if (m) [spec, col] = [m[1], Number(m[2])];
  const { path, tried } = resolveDataFile(spec, [sample.confDir, sample.sampleDir]);
  let lines: string[];
  try {
    lines = readFileSync(path, 'utf8').split(/\r\n|\n|\r/).map((l) => l.trim()).filter(Boolean);
  } catch {
    throw new SampleSetupError(`host.replacement file ${JSON.stringify(spec)} not found (looked at ${tried.join(', ')})`);
  }
  if (!lines.length) throw new SampleSetupError(`host.replacement file ${path} is empty`);
  const values = col ? lines.map((l) => l.split(',')[col - 1] ?? '') : lines;
  // Each distinct host is split once around its matches; per event only the pieces are joined
  // around one drawn value (every match gets the same value, as with any token).
  const pieces = new Map<string, string[] | null>();
  const split = (host: string): string[] | null => {
    const out: string[] = [];
    let last = 0;
    inner.lastIndex = 0;
    for (let mm = inner.exec(host); mm; mm = inner.exec(host)) {
      if (mm[0].length === 0) {
        inner.lastIndex++;
        continue;
      }
      out.push(host.slice(last, mm.index));
      last = mm.index + mm[0].length;
    }
    if (out.length === 0) return null;
    out.push(host.slice(last));
    return out;
  };
  return (host, random) => {
    let p = pieces.get(host);
    if (p === undefined) {
      p = split(host);
      pieces.set(host, p);
    }
    if (p === null) return host;
    const v = random.pick(values);
    let result = p[0];
    for (let i = 1; i < p.length; i++) result += v + p[i];
    return result;
  };
}

/** Chooses each event's timestamp within the job's window. */
export function pivotFor(job: GenerationJob, i: number, subsecond: boolean, sequential: boolean, random: GeneratorContext['random']): number {
  const span = job.latest - job.earliest;
  if (span <= 0) return subsecond ? job.latest : Math.floor(job.latest / 1000) * 1000;
  let t: number;
  if (sequential) t = job.earliest + (span * (job.intervalOffset + i)) / Math.max(1, job.intervalCount);
  else t = job.earliest + random.next() * span;
  return subsecond ? Math.floor(t) : Math.floor(t / 1000) * 1000;
}

/**
 * Line-encoded events of one job, cut in output batches (see RENDER_LINES): UTF-8 views into
 * one buffer (which a worker transfers to the main thread without a copy), or strings.
 */
export interface RenderedLines {
  readonly encoded: Array<Uint8Array | string>;
  readonly counts: number[];
  /** The buffer behind the views, for transfer; absent for strings. */
  readonly buffer?: ArrayBuffer;
}

/**
 * Internal fast path, not part of the plugin API: a generator that can write the line
 * encoding of stdout/file/devnull (`raw.trimEnd() + '\n'`) directly, without building event
 * objects. The result must equal encodeLines(generate(job)) cut every `batchSize` events,
 * byte for byte and with the same random draws, so --seed output does not depend on it.
 */
export const RENDER_LINES = Symbol.for('eventgen.renderLines');
export interface LineRenderer {
  /** `alloc` supplies the byte buffer (a pool, so that jobs reuse memory); default: a new one. */
  [RENDER_LINES](job: GenerationJob, ctx: GeneratorContext, batchSize: number, as: 'bytes' | 'string', alloc?: (minBytes: number) => Buffer): RenderedLines;
}

const newBuffer = (n: number): Buffer => Buffer.allocUnsafeSlow(n);
export function isLineRenderer(g: unknown): g is LineRenderer {
  return typeof (g as Partial<LineRenderer> | undefined)?.[RENDER_LINES] === 'function';
}

/** Where the line fast path puts each event's line; cut() ends an output batch. */
interface LineWriter {
  line(tpl: Template, tokens: readonly CompiledToken[], ctx: EventContext): void;
  cut(): void;
  finish(): RenderedLines;
}

/** Lines written as UTF-8 into one buffer (see writeLine), cut into batches by offsets. */
class ByteLines implements LineWriter {
  readonly #out: ByteSink;
  readonly #seen: Int32Array;
  readonly #values: string[];
  readonly #counts: number[] = [];
  readonly #ends: number[] = [];
  #n = 0;

  constructor(out: ByteSink, tokenCount: number) {
    this.#out = out;
    this.#seen = new Int32Array(2 * tokenCount);
    this.#values = new Array<string>(tokenCount).fill('');
  }

  line(tpl: Template, tokens: readonly CompiledToken[], ctx: EventContext): void {
    writeLine(tpl, tokens, ctx, this.#out, this.#seen, this.#values);
    this.#n++;
  }

  cut(): void {
    if (this.#n === 0) return;
    this.#ends.push(this.#out.pos);
    this.#counts.push(this.#n);
    this.#n = 0;
  }

  finish(): RenderedLines {
    this.cut();
    return byteBatches(this.#out, this.#ends, this.#counts);
  }
}

/** The batches of a job written into one ByteSink: `ends[i]` is where batch i ends. */
export function byteBatches(out: ByteSink, ends: readonly number[], counts: number[]): RenderedLines {
  // Views are taken only now: the buffer may have been replaced by a bigger one meanwhile.
  const buf = out.buf;
  const encoded: Uint8Array[] = [];
  let start = 0;
  for (const end of ends) {
    encoded.push(buf.subarray(start, end));
    start = end;
  }
  return { encoded, counts, buffer: buf.buffer as ArrayBuffer };
}

/**
 * Lines as strings (the transport that `npm run bench -- --only transport` compares with
 * bytes). Appending to one string makes a cons-string tree that is slow to flatten once it
 * outgrows the cache (a 2 MB job: ≈0.9 µs per event); so lines are gathered in parts of about
 * PART_CHARS and each part is flattened while small before joining the batch.
 */
const PART_CHARS = 8192;
class StringLines implements LineWriter {
  readonly #counts: number[] = [];
  readonly #texts: string[] = [];
  readonly #values: string[];
  #text = '';
  #part = '';
  #n = 0;

  constructor(tokenCount: number) {
    this.#values = new Array<string>(tokenCount).fill('');
  }

  line(tpl: Template, tokens: readonly CompiledToken[], ctx: EventContext): void {
    this.#part += renderLine(tpl, tokens, ctx, this.#values);
    this.#n++;
    if (this.#part.length >= PART_CHARS) this.#spill();
  }

  #spill(): void {
    const part = this.#part;
    this.#part = '';
    if (part === '') return;
    part.charCodeAt(0); // flattens the small tree now, while it is in cache
    this.#text += part;
  }

  cut(): void {
    if (this.#n === 0) return;
    this.#spill();
    this.#texts.push(this.#text);
    this.#text = '';
    this.#counts.push(this.#n);
    this.#n = 0;
  }

  finish(): RenderedLines {
    this.cut();
    return { encoded: this.#texts, counts: this.#counts };
  }
}

class SampleGenerator implements Generator, LineRenderer {
  readonly sampleSize: number;
  readonly #c: CompiledSample;
  readonly #randomize: boolean;
  readonly #sequential: boolean;
  readonly #values: string[];
  /** Mean UTF-8 size of a sample event plus its newline: sizes the buffer of a job. */
  readonly #lineBytes: number;

  constructor(sample: SampleSpec) {
    this.#c = compileSample(sample);
    let bytes = 0;
    for (const e of this.#c.events) bytes += Buffer.byteLength(e.raw) + 1;
    this.#lineBytes = this.#c.events.length ? bytes / this.#c.events.length : 0;
    this.sampleSize = this.#c.events.length;
    this.#randomize = sample.settings.randomizeEvents === true;
    this.#sequential = sample.settings.sequentialTimestamp === true;
    this.#values = new Array<string>(this.#c.tokens.length).fill('');
  }

  generate(job: GenerationJob, ctx: GeneratorContext): EventRecord[] {
    const c = this.#c;
    const n = c.templates.length;
    if (n === 0) return [];
    const count = job.count < 0 ? n : job.count;
    const out = new Array<EventRecord>(count);
    const ectx: EventContext = { pivotMs: 0, latestMs: job.latest, eventIndex: 0, serial: 0, random: ctx.random, tz: c.tz };
    for (let i = 0; i < count; i++) {
      const k = this.#randomize ? ctx.random.int(0, n - 1) : (job.intervalOffset + i) % n;
      ectx.pivotMs = pivotFor(job, i, c.subsecond, this.#sequential, ctx.random);
      ectx.eventIndex = job.eventOffset + i;
      ectx.serial = nextSerial();
      const e = c.events[k];
      const meta = c.meta(e, ctx.random);
      out[i] = { raw: render(c.templates[k], c.tokens, ectx, this.#values), time: ectx.pivotMs / 1000, index: meta.index, host: meta.host, source: meta.source, sourcetype: meta.sourcetype };
    }
    return out;
  }

  // The loop of generate(), writing lines instead of objects. Keep the two in step: same
  // order of random draws (event pick, pivot, metadata, tokens); a unit test compares them.
  [RENDER_LINES](job: GenerationJob, ctx: GeneratorContext, batchSize: number, as: 'bytes' | 'string', alloc?: (minBytes: number) => Buffer): RenderedLines {
    const c = this.#c;
    const n = c.templates.length;
    if (n === 0) return { encoded: [], counts: [] };
    const count = job.count < 0 ? n : job.count;
    const size = Math.max(1, batchSize);
    const random = ctx.random;
    const templates = c.templates;
    const tokens = c.tokens;
    const randomize = this.#randomize;
    const sequential = this.#sequential;
    const subsecond = c.subsecond;
    const metaIsRandom = c.metaIsRandom;
    const ectx: EventContext = { pivotMs: 0, latestMs: job.latest, eventIndex: 0, serial: 0, random, tz: c.tz };
    const lines: LineWriter =
      as === 'bytes' ? new ByteLines(new ByteSink(Math.ceil(count * this.#lineBytes * 1.1), alloc ?? newBuffer), tokens.length) : new StringLines(tokens.length);
    let inBatch = 0;
    for (let i = 0; i < count; i++) {
      const k = randomize ? random.int(0, n - 1) : (job.intervalOffset + i) % n;
      ectx.pivotMs = pivotFor(job, i, subsecond, sequential, random);
      ectx.eventIndex = job.eventOffset + i;
      ectx.serial = nextSerial();
      if (metaIsRandom) c.meta(c.events[k], random); // generate() draws these before the tokens
      lines.line(templates[k], tokens, ectx);
      if (++inBatch === size) {
        lines.cut();
        inBatch = 0;
      }
    }
    return lines.finish();
  }
}

const plugin: GeneratorPlugin = {
  kind: 'generator',
  name: 'default',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Sample mode: events from the sample file with their tokens replaced.',
  queueable: true,
  needsSampleFile: true,
  create: (sample) => new SampleGenerator(sample),
};
export default plugin;
