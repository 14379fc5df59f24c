/**
 * Token replacement values. Each token's `replacementType`/`replacement` pair is parsed once
 * into a small function; per event only these functions run (no parsing, no regex).
 */
import { readFileSync } from 'node:fs';
import type { SampleSpec, TokenSpec } from '../plugins/api';
import type { Random } from '../util/random';
import { resolveDataFile } from '../util/paths';
import { CachedStrftime } from '../time/strftime';
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

export type Replacer = (ctx: EventContext) => string;

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
    case 'static':
      return () => r;
    case 'timestamp': {
      const f = new CachedStrftime(r, sampleZone(sample));
      return (c) => f.format(c.pivotMs);
    }
    case 'replaytimestamp': {
      // In sample mode the original formats the window's end; replay gives each event its own time.
      const f = new CachedStrftime(r, sampleZone(sample));
      return (c) => f.format(c.latestMs);
    }
    case 'random':
      return compileRandom(r);
    case 'rated':
      return compileRated(r, sample);
    case 'integerid': {
      const start = Number(r.trim());
      if (!Number.isSafeInteger(start)) throw new TokenError(`integerid needs a whole number to start from, not ${JSON.stringify(r)}`);
      return (c) => String(start + c.eventIndex);
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
    return (c) => String(c.random.int(a, b));
  }
  if ((m = /^float\[\s*([-+]?\d*\.?\d+)\s*:\s*([-+]?\d*\.?\d+)\s*\]$/i.exec(s))) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (a > b) throw new TokenError(`${s}: the lower bound ${a} is greater than the upper bound ${b}`);
    const digits = Math.max(decimals(m[1]), decimals(m[2]));
    return (c) => (a + c.random.next() * (b - a)).toFixed(digits);
  }
  if (lower === 'ipv4') return (c) => `${c.random.int(0, 255)}.${c.random.int(0, 255)}.${c.random.int(0, 255)}.${c.random.int(0, 255)}`;
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
    return (c) => c.random.pick(strings);
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
  if (t.replacementType === 'seqfile') {
    if (!col) return (c) => lines[c.eventIndex % n];
    const columns = columnsOf(data);
    return (c) => columns[c.eventIndex % n][col - 1] ?? '';
  }
  // Only column tokens share a row within an event (the original's mvhash); a whole-line token
  // draws its own line, so two tokens on one list (source and destination IP) differ.
  if (!col) return (c) => lines[c.random.int(0, n - 1)];
  const columns = columnsOf(data);
  return (c) => columns[pickRow(path, n, c)][col - 1] ?? '';
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
