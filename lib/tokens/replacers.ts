/**
 * Token replacement values. Each token's `replacementType`/`replacement` pair is parsed once
 * into a small function; per event only these functions run (no parsing, no regex).
 */
import { readFileSync } from 'node:fs';
import type { SampleSpec, TokenSpec } from '../plugins/api';
import type { Random } from '../util/random';
import { resolveDataFile } from '../util/paths';
import { CachedStrftime, formatterUsesSubsecond } from '../time/strftime';
import { packStrings, type ByteSink, type PackedStrings } from './bytes';
import { offsetMinutesAt, parseTimeZone, LOCAL, type TimeZone } from '../time/tz';

/** Per-event state shared by the tokens of one event. */
export interface EventContext {
  /** This event's timestamp (epoch ms); every timestamp token of the event uses it. */
  pivotMs: number;
  /** End of the job's window (replaytimestamp in sample mode formats this). */
  latestMs: number;
  /** Position of the event in the sample's whole output: integerid and seqfile count with it. */
  eventIndex: number;
  /** Changes for every event; file tokens use it to share one row within an event. */
  serial: number;
  random: Random;
  tz: TimeZone;
}

/** Writes a token's value as UTF-8 bytes, drawing exactly the random numbers the string form draws. */
export type ByteWriter = (ctx: EventContext, out: ByteSink) => void;

/**
 * The two commonest tokens, integer[a:b] and a per-second timestamp, described as data so the
 * line writer can do their work inline: a call through a different closure for every token is
 * an unpredictable call site that V8 cannot inline (measured: a quarter of the line writer).
 * Every field is always present, so the writer's property loads see a single object shape.
 */
export interface InlineOp {
  /** INLINE_NONE, INLINE_INT (min…max) or INLINE_TIME (clock at the event's time). */
  readonly kind: number;
  readonly min: number;
  readonly max: number;
  readonly clock: CachedStrftime | null;
}
export const INLINE_NONE = 0;
export const INLINE_INT = 1;
export const INLINE_TIME = 2;
export const NO_INLINE: InlineOp = { kind: INLINE_NONE, min: 0, max: 0, clock: null };

/**
 * A token's value for one event; `bytes`, when present, is the same value written as bytes,
 * and `inline` the same again as data (see InlineOp).
 */
export interface Replacer {
  (ctx: EventContext): string;
  readonly bytes?: ByteWriter;
  readonly inline?: InlineOp;
}

function withBytes(fn: (ctx: EventContext) => string, bytes: ByteWriter, inline?: InlineOp): Replacer {
  return Object.assign(fn, { bytes, inline });
}

/**
 * A timestamp token: the event's time (pivot), or the window's end (replaytimestamp in sample
 * mode). Bytes come from the per-second cache, unless the format shows fractions of a second.
 */
function timestampReplacer(f: CachedStrftime, windowEnd: boolean): Replacer {
  if (windowEnd) return withBytes((c) => f.format(c.latestMs), (c, o) => f.writeBytes(c.latestMs, o));
  // The line writer inlines whole-second formats (cached bytes); %f goes through writeBytes.
  const inline: InlineOp | undefined = formatterUsesSubsecond(f.pattern) ? undefined : { kind: INLINE_TIME, min: 0, max: 0, clock: f };
  return withBytes((c) => f.format(c.pivotMs), (c, o) => f.writeBytes(c.pivotMs, o), inline);
}

let serialCounter = 0;
/** A number unique to one event within this thread (see EventContext.serial). */
export function nextSerial(): number {
  serialCounter = (serialCounter + 1) | 0;
  return serialCounter;
}

export class TokenError extends Error {}

const HEX = '0123456789abcdef';
// What the original's string(n) produced after its URL-quoting filter (observed).
const STRING_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~/-';

export function compileReplacer(t: TokenSpec, sample: SampleSpec): Replacer {
  const r = t.replacement;
  switch (t.replacementType) {
    case 'static': {
      const bytes = Buffer.from(r, 'utf8');
      return withBytes(() => r, (_c, o) => o.bytes(bytes));
    }
    case 'timestamp':
      return timestampReplacer(new CachedStrftime(r, sampleZone(sample)), false);
    case 'replaytimestamp':
      // In sample mode the original formats the window's end; replay gives each event its own time.
      return timestampReplacer(new CachedStrftime(r, sampleZone(sample)), true);
    case 'random':
      return compileRandom(r);
    case 'rated':
      return compileRated(r, sample);
    case 'integerid': {
      const start = Number(r.trim());
      if (!Number.isSafeInteger(start)) throw new TokenError(`integerid needs a whole number to start from, not ${JSON.stringify(r)}`);
      return withBytes(
        (c) => String(start + c.eventIndex),
        (c, o) => o.int(start + c.eventIndex),
      );
    }
    case 'file':
    case 'mvfile':
    case 'seqfile':
      return compileFile(t, sample);
  }
}

function sampleZone(sample: SampleSpec): TimeZone {
  return parseTimeZone(String(sample.settings.timezone ?? 'local')) ?? LOCAL;
}

function compileRandom(spec: string): Replacer {
  const s = spec.trim();
  const lower = s.toLowerCase();
  let m: RegExpExecArray | null;
  if ((m = /^integer\[\s*([-+]?\d+)\s*:\s*([-+]?\d+)\s*\]$/i.exec(s))) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (a > b) throw new TokenError(`${s}: the lower bound ${a} is greater than the upper bound ${b}`);
    return withBytes(
      (c) => String(c.random.int(a, b)),
      (c, o) => o.int(c.random.int(a, b)),
      // Inline only where every value fits writeInt's reserved MAX_INT_BYTES (int32 bounds);
      // longer numbers go through ByteSink.int(), which makes room for them.
      (a | 0) === a && (b | 0) === b ? { kind: INLINE_INT, min: a, max: b, clock: null } : undefined,
    );
  }
  if ((m = /^float\[\s*([-+]?\d*\.?\d+)\s*:\s*([-+]?\d*\.?\d+)\s*\]$/i.exec(s))) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (a > b) throw new TokenError(`${s}: the lower bound ${a} is greater than the upper bound ${b}`);
    const digits = Math.max(decimals(m[1]), decimals(m[2]));
    return (c) => (a + c.random.next() * (b - a)).toFixed(digits);
  }
  if (lower === 'ipv4') {
    const dot = Buffer.from('.');
    return withBytes(
      (c) => `${c.random.int(0, 255)}.${c.random.int(0, 255)}.${c.random.int(0, 255)}.${c.random.int(0, 255)}`,
      (c, o) => {
        o.int(c.random.int(0, 255));
        for (let i = 0; i < 3; i++) {
          o.bytes(dot);
          o.int(c.random.int(0, 255));
        }
      },
    );
  }
  if (lower === 'ipv6') {
    return (c) => {
      let out = c.random.int(0, 65535).toString(16);
      for (let i = 1; i < 8; i++) out += ':' + c.random.int(0, 65535).toString(16);
      return out;
    };
  }
  if (lower === 'mac') {
    return (c) => {
      let out = '';
      for (let i = 0; i < 6; i++) out += (i ? ':' : '') + HEX[c.random.int(0, 15)] + HEX[c.random.int(0, 15)];
      return out;
    };
  }
  if (lower === 'guid') return (c) => uuid4(c.random);
  if ((m = /^string\(\s*(\d+)\s*\)$/i.exec(s))) {
    const n = Number(m[1]);
    return (c) => {
      let out = '';
      for (let i = 0; i < n; i++) out += STRING_ALPHABET[c.random.int(0, STRING_ALPHABET.length - 1)];
      return out;
    };
  }
  if ((m = /^hex\(\s*(\d+)\s*\)$/i.exec(s))) {
    const n = Number(m[1]);
    return (c) => {
      let out = '';
      for (let i = 0; i < n; i++) out += '0123456789ABCDEF'[c.random.int(0, 15)];
      return out;
    };
  }
  if ((m = /^list(\[.*\])$/is.exec(s))) {
    let items: unknown;
    try {
      items = JSON.parse(m[1]);
    } catch (e) {
      throw new TokenError(`${s}: the list is not valid JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(items) || items.length === 0) throw new TokenError(`${s}: the list must be a non-empty JSON array`);
    const strings = items.map(String);
    const packed = packStrings(strings);
    const n = strings.length;
    // pick() is int(0, n - 1) drawn the same way, so both forms consume the same numbers.
    return withBytes(
      (c) => c.random.pick(strings),
      (c, o) => o.packed(packed, c.random.int(0, n - 1)),
    );
  }
  throw new TokenError(`unknown random replacement ${JSON.stringify(s)}; use integer[a:b], float[a.b:c.d], ipv4, ipv6, mac, guid, string(n), hex(n) or list["a","b"]`);
}

function compileRated(spec: string, sample: SampleSpec): Replacer {
  const base = compileRandom(spec);
  const m = /^(integer|float)/i.exec(spec.trim());
  if (!m) throw new TokenError(`rated replacement must be integer[a:b] or float[a:b], not ${JSON.stringify(spec)}`);
  const isInt = m[1].toLowerCase() === 'integer';
  const digits = isInt ? 0 : Math.max(...[...spec.matchAll(/[-+]?\d*\.?\d+/g)].map((x) => decimals(x[0])));
  const hourRate = sample.settings.hourOfDayRate as Record<string, number> | undefined;
  const dayRate = sample.settings.dayOfWeekRate as Record<string, number> | undefined;
  return (c) => {
    const local = new Date(c.pivotMs + offsetMinutesAt(c.tz, c.pivotMs) * 60000);
    const factor = (hourRate?.[String(local.getUTCHours())] ?? 1) * (dayRate?.[String(local.getUTCDay())] ?? 1);
    const v = Number(base(c)) * factor;
    return isInt ? String(Math.round(v)) : v.toFixed(digits);
  };
}

interface FileData {
  lines: string[];
  columns?: string[][];
  /** UTF-8 forms, by column (0: whole lines), shared by every token that reads the file. */
  packed?: Map<number, PackedStrings>;
}
const files = new Map<string, FileData>();

function readLines(path: string): FileData {
  let d = files.get(path);
  if (!d) {
    let text = readFileSync(path, 'utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    // Universal newlines, as the original read them: \r-only files (markets.sample) work too.
    const lines = text.split(/\r\n|\n|\r/).map((l) => l.trim());
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    d = { lines };
    files.set(path, d);
  }
  return d;
}

function compileFile(t: TokenSpec, sample: SampleSpec): Replacer {
  let spec = t.replacement.trim();
  let col = 0;
  const m = /^(.*):(\d+)$/.exec(spec);
  if (m) {
    spec = m[1];
    col = Number(m[2]);
    if (col < 1) throw new TokenError(`${t.replacementType} column numbers start at 1, not ${col}`);
  }
  if (t.replacementType === 'mvfile' && col === 0) throw new TokenError(`mvfile needs a column: ${spec}:<column>`);
  const { path, tried } = resolveDataFile(spec, [sample.confDir, sample.sampleDir]);
  let data: FileData;
  try {
    data = readLines(path);
  } catch {
    throw new TokenError(`${t.replacementType} file ${JSON.stringify(spec)} not found (looked at ${tried.join(', ')})`);
  }
  if (data.lines.length === 0) throw new TokenError(`${t.replacementType} file ${path} is empty`);
  const lines = data.lines;
  const n = lines.length;
  const values = col ? columnsOf(data).map((row) => row[col - 1] ?? '') : lines;
  const encoded = packedOf(data, col, values);
  if (t.replacementType === 'seqfile') {
    return withBytes(
      (c) => values[c.eventIndex % n],
      (c, o) => o.packed(encoded, c.eventIndex % n),
    );
  }
  // Only column tokens share a row within an event (the original's mvhash); a whole-line token
  // draws its own line, so two tokens on one list (source and destination IP) differ.
  if (!col) {
    return withBytes(
      (c) => values[c.random.int(0, n - 1)],
      (c, o) => o.packed(encoded, c.random.int(0, n - 1)),
    );
  }
  return withBytes(
    (c) => values[pickRow(path, n, c)],
    (c, o) => o.packed(encoded, pickRow(path, n, c)),
  );
}

function packedOf(d: FileData, col: number, values: readonly string[]): PackedStrings {
  d.packed ??= new Map();
  let p = d.packed.get(col);
  if (!p) d.packed.set(col, (p = packStrings(values)));
  return p;
}

function columnsOf(d: FileData): string[][] {
  if (!d.columns) d.columns = d.lines.map((l) => l.split(','));
  return d.columns;
}

// All column tokens of one event that read the same file share one row (the original's mvhash),
// so a city, its state and its coordinates stay consistent.
const rowChoice = new Map<string, { serial: number; row: number }>();
function pickRow(path: string, n: number, c: EventContext): number {
  let choice = rowChoice.get(path);
  if (!choice) {
    choice = { serial: -1, row: 0 };
    rowChoice.set(path, choice);
  }
  if (choice.serial !== c.serial) {
    choice.serial = c.serial;
    choice.row = c.random.int(0, n - 1);
  }
  return choice.row;
}

function decimals(num: string): number {
  const dot = num.indexOf('.');
  return dot < 0 ? 0 : num.length - dot - 1;
}

function uuid4(r: Random): string {
  let s = '';
  for (let i = 0; i < 32; i++) {
    let v = r.int(0, 15);
    if (i === 12) v = 4;
    else if (i === 16) v = (v & 0x3) | 0x8;
    s += HEX[v];
    if (i === 7 || i === 11 || i === 15 || i === 19) s += '-';
  }
  return s;
}
