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
import type { EventContext, Replacer } from './replacers';

const SLOT_BASE = 0xe000;
const MAX_SLOTS = 0x1800; // size of the private-use area we borrow

export interface CompiledToken {
  readonly spec: TokenSpec;
  readonly regex: RegExp;
  readonly replace: Replacer;
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
        if (code >= SLOT_BASE && code < SLOT_BASE + MAX_SLOTS) return { pieces: [raw], slots: new Int32Array(0), used: new Int32Array(0), dynamic: raw };
      }
    }
    if (slotToken.length + ranges.length >= MAX_SLOTS) return { pieces: [raw], slots: new Int32Array(0), used: new Int32Array(0), dynamic: raw };
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
  return { pieces: flatPieces, slots: Int32Array.from(slots), used: Int32Array.from(new Set(slots)), linePieces };
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
