/**
 * Compiled templates: at load time each sample event is split once into literal pieces and
 * token slots, so generating an event is a few function calls and string concatenations —
 * no regex runs per event.
 *
 * Tokens apply in order, and (as in the original) every match of one token in an event gets
 * the same value. While compiling, the slots filled by earlier tokens are kept as private-use
 * placeholder characters, so later tokens' regexes see the event's real shape (anchors, offsets).
 * When a later token's match overlaps an earlier token's slot, its match depends on a value
 * only known per event; that event then falls back to replacing with regexes at run time.
 */
import type { TokenSpec } from '../plugins/api';
import { compilePythonRegex } from './pyregex';
import { INLINE_INT, INLINE_TIME, NO_INLINE, type EventContext, type InlineOp, type Replacer } from './replacers';
import { copyRange, MAX_INT_BYTES, writeInt, type ByteSink } from './bytes';

const SLOT_BASE = 0xe000;
const MAX_SLOTS = 0x1800; // size of the private-use area we borrow

export interface CompiledToken {
  readonly spec: TokenSpec;
  readonly regex: RegExp;
  readonly replace: Replacer;
  /** replace.inline, or NO_INLINE (see InlineOp). */
  readonly inline: InlineOp;
}

export interface Template {
  /** pieces[0] slot[0] pieces[1] slot[1] … pieces[n]; slot values are token indexes. */
  readonly pieces: readonly string[];
  readonly slots: Int32Array;
  /** Token indexes used at least once, so each is evaluated once per event. */
  readonly used: Int32Array;
  /** Set when the event needs run-time regex replacement (overlapping tokens). */
  readonly dynamic?: string;
  /**
   * The same pieces with the line framing of line outputs (`raw.trimEnd() + '\n'`) folded into
   * the last one, so a line is rendered without a second pass. Only set when trimming can never
   * change the event: its last piece is text that does not end in whitespace.
   */
  readonly linePieces?: readonly string[];
  /** linePieces as UTF-8, for writeLine(). */
  readonly lineBytes?: readonly Uint8Array[];
  /** Bytes of lineBytes plus the most its integer tokens can write: room made per event. */
  readonly lineReserve: number;
}

/** A compiled token from its parts. */
export function compiledToken(spec: TokenSpec, regex: RegExp, replace: Replacer): CompiledToken {
  return { spec, regex, replace, inline: replace.inline ?? NO_INLINE };
}

export function compileTokenRegex(token: string): RegExp {
  return compilePythonRegex(token, 'gd');
}

export function compileTemplate(raw: string, tokens: readonly CompiledToken[]): Template {
  let work = raw;
  const slotToken: number[] = [];
  for (let t = 0; t < tokens.length; t++) {
    const re = tokens[t].regex;
    re.lastIndex = 0;
    const ranges: Array<[number, number]> = [];
    for (let m = re.exec(work); m; m = re.exec(work)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const span = m.length > 1 && m.indices?.[1] ? m.indices[1] : m.indices![0];
      if (span[1] > span[0] || m.length > 1) ranges.push([span[0], span[1]]);
    }
    if (ranges.length === 0) continue;
    for (const [a, b] of ranges) {
      for (let i = a; i < b; i++) {
        const code = work.charCodeAt(i);
        if (code >= SLOT_BASE && code < SLOT_BASE + MAX_SLOTS) return { pieces: [raw], slots: new Int32Array(0), used: new Int32Array(0), dynamic: raw, lineReserve: 0 };
      }
    }
    if (slotToken.length + ranges.length >= MAX_SLOTS) return { pieces: [raw], slots: new Int32Array(0), used: new Int32Array(0), dynamic: raw, lineReserve: 0 };
    // Replace right to left so earlier offsets stay valid.
    const placeholders: string[] = [];
    for (let k = 0; k < ranges.length; k++) {
      placeholders.push(String.fromCharCode(SLOT_BASE + slotToken.length));
      slotToken.push(t);
    }
    for (let k = ranges.length - 1; k >= 0; k--) {
      const [a, b] = ranges[k];
      work = work.slice(0, a) + placeholders[k] + work.slice(b);
    }
  }
  const pieces: string[] = [];
  const slots: number[] = [];
  let lit = '';
  for (let i = 0; i < work.length; i++) {
    const code = work.charCodeAt(i);
    if (code >= SLOT_BASE && code < SLOT_BASE + slotToken.length && isOurSlot(raw, work, code)) {
      pieces.push(lit);
      lit = '';
      slots.push(slotToken[code - SLOT_BASE]);
    } else {
      lit += work[i];
    }
  }
  pieces.push(lit);
  const flatPieces = pieces.map(flatString);
  const linePieces = lit !== '' && !/\s$/.test(lit) ? [...flatPieces.slice(0, -1), flatString(lit + '\n')] : undefined;
  const lineBytes = linePieces?.map((p) => new Uint8Array(Buffer.from(p, 'utf8')));
  let lineReserve = 0;
  for (const b of lineBytes ?? []) lineReserve += b.length;
  for (const t of slots) if (tokens[t].inline.kind === INLINE_INT) lineReserve += MAX_INT_BYTES;
  return { pieces: flatPieces, slots: Int32Array.from(slots), used: Int32Array.from(new Set(slots)), linePieces, lineBytes, lineReserve };
}

/**
 * A flat copy of a string. Pieces built character by character are trees of tiny "cons"
 * strings inside V8; every event that contains one would walk its tree again when the output
 * is written (measured: a third of a worker's time). A JSON round trip yields one flat,
 * one-byte-when-possible string with exactly the same characters (lone surrogates included).
 */
export function flatString(s: string): string {
  return s.length < 2 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

// A private-use character already present in the sample text is data, not a slot.
function isOurSlot(raw: string, _work: string, code: number): boolean {
  return !raw.includes(String.fromCharCode(code));
}

/**
 * Fills a template. `values` is a scratch array (one entry per token) reused across events.
 */
export function render(tpl: Template, tokens: readonly CompiledToken[], ctx: EventContext, values: string[]): string {
  if (tpl.dynamic !== undefined) return renderDynamic(tpl.dynamic, tokens, ctx);
  const used = tpl.used;
  for (let i = 0; i < used.length; i++) values[used[i]] = tokens[used[i]].replace(ctx);
  const pieces = tpl.pieces;
  const slots = tpl.slots;
  let out = pieces[0];
  for (let i = 0; i < slots.length; i++) out += values[slots[i]] + pieces[i + 1];
  return out;
}

/**
 * Fills a template as one output line: exactly `render(…).trimEnd() + '\n'`, without the
 * trim when the template proves it unnecessary (the hot path of stdout, file and devnull).
 */
export function renderLine(tpl: Template, tokens: readonly CompiledToken[], ctx: EventContext, values: string[]): string {
  const pieces = tpl.linePieces;
  if (pieces === undefined) return render(tpl, tokens, ctx, values).trimEnd() + '\n';
  const used = tpl.used;
  for (let i = 0; i < used.length; i++) values[used[i]] = tokens[used[i]].replace(ctx);
  const slots = tpl.slots;
  let out = pieces[0];
  for (let i = 0; i < slots.length; i++) out += values[slots[i]] + pieces[i + 1];
  return out;
}

/**
 * renderLine() written as UTF-8 into `out`, byte for byte the same and with the same random
 * draws: tokens are evaluated at their first slot (the order of `used`), and a later slot of
 * the same token copies the bytes written first. `seen` (two entries per token) and `values`
 * (one per token) are scratch space reused across events.
 *
 * This is the innermost loop of generation, so it works on local copies of the buffer and
 * position: room for the pieces and integer tokens is made once per event (lineReserve), and
 * again only after values of unknown length.
 */
export function writeLine(tpl: Template, tokens: readonly CompiledToken[], ctx: EventContext, out: ByteSink, seen: Int32Array, values: string[]): void {
  const pieces = tpl.lineBytes;
  if (pieces === undefined) {
    out.string(renderLine(tpl, tokens, ctx, values));
    return;
  }
  const reserve = tpl.lineReserve;
  out.ensure(reserve);
  let buf = out.buf;
  let pos = copyBytes(buf, out.pos, pieces[0]);
  const slots = tpl.slots;
  const repeats = slots.length !== tpl.used.length;
  if (repeats) seen.fill(-1);
  for (let i = 0; i < slots.length; i++) {
    const t = slots[i];
    const op = tokens[t].inline;
    const start = pos;
    if (repeats && seen[2 * t] >= 0) {
      out.pos = pos;
      out.repeat(seen[2 * t], seen[2 * t + 1]);
      out.ensure(reserve);
      buf = out.buf;
      pos = out.pos;
    } else if (op.kind === INLINE_INT) pos = writeInt(buf, pos, ctx.random.int(op.min, op.max));
    else if (op.kind === INLINE_TIME) {
      const b = op.clock!.formatBytes(ctx.pivotMs);
      if (pos + b.length + reserve > buf.length) {
        out.pos = pos;
        out.ensure(b.length + reserve);
        buf = out.buf;
      }
      pos = copyBytes(buf, pos, b);
    } else {
      out.pos = pos;
      const r = tokens[t].replace;
      if (r.bytes !== undefined) r.bytes(ctx, out);
      else out.string(r(ctx));
      out.ensure(reserve);
      buf = out.buf;
      pos = out.pos;
    }
    if (repeats && seen[2 * t] < 0) {
      seen[2 * t] = start;
      seen[2 * t + 1] = pos;
    }
    pos = copyBytes(buf, pos, pieces[i + 1]);
  }
  out.pos = pos;
}

/** Copies a whole piece (see copyRange). */
function copyBytes(buf: Uint8Array, pos: number, b: Uint8Array): number {
  return copyRange(buf, pos, b, 0, b.length);
}

/** The original's algorithm, for the rare event whose tokens overlap. */
function renderDynamic(raw: string, tokens: readonly CompiledToken[], ctx: EventContext): string {
  let s = raw;
  for (const tok of tokens) {
    const re = tok.regex;
    re.lastIndex = 0;
    let value: string | undefined;
    let out = '';
    let last = 0;
    for (let m = re.exec(s); m; m = re.exec(s)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const span = m.length > 1 && m.indices?.[1] ? m.indices[1] : m.indices![0];
      value ??= tok.replace(ctx);
      out += s.slice(last, span[0]) + value;
      last = span[1];
    }
    if (value !== undefined) s = out + s.slice(last);
  }
  return s;
}
