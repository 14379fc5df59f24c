/**
 * eventgen.conf regexes (token.N.token, host.token, breaker, stanza names, blacklist) are Python
 * `re` patterns. This module parses them with the grammar and error rules of Python 3.11's
 * `re._parser` (a pattern Python rejects throws RegexError with Python's message) and writes a
 * JavaScript RegExp source that matches what Python matches.
 *
 * The output never uses the `u` flag. Callers step past empty matches with `re.lastIndex++`;
 * with `u`, V8 moves a lastIndex that points inside a surrogate pair back to the pair's start, so
 * those loops would never end on an event with an emoji. Instead the source is plain syntax that
 * still matches by code point, as Python does: astral characters are written as surrogate pairs,
 * and no match or group starts or ends between the two halves of a pair.
 *
 * Python semantics that differ from JavaScript's and are written out explicitly:
 * - `\w`, `\d`, `\s`, `\b`, `\B` are Unicode-aware (str.isalnum() or `_`, Unicode decimal
 *   digits, str.isspace()) unless the ASCII flag `(?a)` is set; the tables are Python 3.11's.
 * - `.` excludes only `\n`; `$` also matches before a final `\n`; under `(?m)` only `\n` breaks
 *   lines; `\A` and `\Z` stay string anchors under `(?m)`.
 * - Case-insensitivity (global `(?i)`, scoped `(?i:…)` and `(?-i:…)`) is expanded into character
 *   classes with Python's simple lowercase mapping and extra cases (`ſ`/`s`, `K`/`k`, …). Only a
 *   case-insensitive backreference needs the JavaScript `i` flag, so the pattern must then have
 *   no case-sensitive part.
 * - Scoped `(?s:…)`, `(?m:…)`, `(?x:…)`, `(?a:…)`, verbose mode, comments, `(?P<n>…)`,
 *   `(?P=n)`, octal and `\x`/`\u`/`\U` escapes, `a{,3}`, a `{` that is not a quantifier.
 *
 * Not supported (RegexError): possessive quantifiers and atomic groups (new in Python 3.11),
 * conditional groups `(?(1)…|…)`, `\N{name}` escapes and the template flag `(?t)`.
 * Left as JavaScript does it: captures inside a repeated group are reset at each repetition, and
 * a backreference to a group that did not participate matches the empty string.
 */
export class RegexError extends Error {}

// Python's flag bits (the values are ours; only the set operations matter).
const F_I = 1; // IGNORECASE
const F_L = 2; // LOCALE (bytes patterns only)
const F_M = 4; // MULTILINE
const F_S = 8; // DOTALL
const F_X = 16; // VERBOSE
const F_A = 32; // ASCII
const F_U = 64; // UNICODE (the default for str patterns)
const F_T = 128; // TEMPLATE
const FLAG_OF = new Map<string, number>([['i', F_I], ['L', F_L], ['m', F_M], ['s', F_S], ['x', F_X], ['a', F_A], ['t', F_T], ['u', F_U]]);
const TYPE_FLAGS = F_A | F_L | F_U;
const MAXREPEAT = 4294967295;
const MAXCP = 0x10ffff;

const SPECIAL_CHARS = new Set('.\\[{()*+?^$|');
const REPEAT_CHARS = new Set('*+?{');
const DIGITS = new Set('0123456789');
const OCTDIGITS = new Set('01234567');
const HEXDIGITS = new Set('0123456789abcdefABCDEF');
const WHITESPACE = new Set(' \t\n\r\v\f');

type Cat = 'd' | 'D' | 's' | 'S' | 'w' | 'W';
type At = 'bol' | 'eol' | 'bos' | 'eos' | 'b' | 'B';

type Node =
  | { k: 'char'; cp: number; f: number }
  | { k: 'set'; items: Array<{ lo: number; hi: number } | { cat: Cat }>; neg: boolean; f: number }
  | { k: 'any'; f: number }
  | { k: 'at'; at: At; f: number }
  | { k: 'group'; n: number | null; name?: string; body: Node }
  | { k: 'look'; behind: boolean; neg: boolean; body: Node }
  | { k: 'ref'; n: number; name?: string; f: number }
  | { k: 'rep'; min: number; max: number; lazy: boolean; body: Node }
  | { k: 'seq'; items: Node[] }
  | { k: 'alt'; alts: Node[] };

type Esc = { k: 'lit'; cp: number } | { k: 'cat'; cat: Cat } | { k: 'at'; at: At } | { k: 'ref'; n: number };

const ESCAPES = new Map<string, number>([['\\a', 7], ['\\b', 8], ['\\f', 12], ['\\n', 10], ['\\r', 13], ['\\t', 9], ['\\v', 11], ['\\\\', 92]]);
const CATEGORIES = new Map<string, Esc>([
  ['\\A', { k: 'at', at: 'bos' }],
  ['\\b', { k: 'at', at: 'b' }],
  ['\\B', { k: 'at', at: 'B' }],
  ['\\d', { k: 'cat', cat: 'd' }],
  ['\\D', { k: 'cat', cat: 'D' }],
  ['\\s', { k: 'cat', cat: 's' }],
  ['\\S', { k: 'cat', cat: 'S' }],
  ['\\w', { k: 'cat', cat: 'w' }],
  ['\\W', { k: 'cat', cat: 'W' }],
  ['\\Z', { k: 'at', at: 'eos' }],
]);

/** Length in code points, which is how Python counts pattern positions. */
function cpLen(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) n++;
    else {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      n++;
    }
  }
  return n;
}

/** Python's repr() of a str, close enough for error messages. */
function pyRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  return q + s.replace(/\\/g, '\\\\').replace(q === "'" ? /'/g : /"/g, `\\${q}`).replace(/\n/g, '\\n').replace(/\t/g, '\\t') + q;
}

function isIdentifier(name: string): boolean {
  return /^[\p{XID_Start}_]\p{XID_Continue}*$/u.test(name);
}

function isAlpha(s: string): boolean {
  return /^\p{L}+$/u.test(s);
}

/** A re.error in Python's words: "msg at position N", plus line and column for multi-line patterns. */
function patternError(pattern: string, msg: string, pos: number): RegexError {
  let m = `${msg} at position ${pos}`;
  const cps = Array.from(pattern);
  if (cps.includes('\n')) {
    const before = cps.slice(0, pos);
    const line = before.filter((c) => c === '\n').length + 1;
    const col = pos - before.lastIndexOf('\n');
    m += ` (line ${line}, column ${col})`;
  }
  return new RegexError(m);
}

/** For Python syntax that JavaScript cannot express; `what` ends with "is" or "are". */
function unsupported(what: string, pattern: string, pos: number): RegexError {
  return new RegexError(`${what} not supported by eventgen's regex translation (at position ${pos} of ${JSON.stringify(pattern)})`);
}

/** Python's re._parser.Tokenizer: one token is a character or a backslash and the next one. */
class Source {
  private readonly cps: string[];
  private index = 0;
  private nextLen = 0;
  next: string | null = null;

  constructor(readonly pattern: string) {
    this.cps = Array.from(pattern);
    this.advance();
  }

  private advance(): void {
    let i = this.index;
    if (i >= this.cps.length) {
      this.next = null;
      this.nextLen = 0;
      return;
    }
    let ch = this.cps[i];
    let n = 1;
    if (ch === '\\') {
      i++;
      if (i >= this.cps.length) throw patternError(this.pattern, 'bad escape (end of pattern)', this.cps.length - 1);
      ch += this.cps[i];
      n = 2;
    }
    this.index = i + 1;
    this.next = ch;
    this.nextLen = n;
  }

  match(c: string): boolean {
    if (this.next === c) {
      this.advance();
      return true;
    }
    return false;
  }

  get(): string | null {
    const t = this.next;
    this.advance();
    return t;
  }

  getwhile(n: number, chars: Set<string>): string {
    let out = '';
    for (let k = 0; k < n; k++) {
      const c = this.next;
      if (c === null || !chars.has(c)) break;
      out += c;
      this.advance();
    }
    return out;
  }

  getuntil(term: string, name: string): string {
    let out = '';
    for (;;) {
      const c = this.next;
      this.advance();
      if (c === null) {
        if (!out) throw this.error(`missing ${name}`);
        throw this.error(`missing ${term}, unterminated name`, cpLen(out));
      }
      if (c === term) {
        if (!out) throw this.error(`missing ${name}`, 1);
        break;
      }
      out += c;
    }
    return out;
  }

  tell(): number {
    return this.index - this.nextLen;
  }

  seek(i: number): void {
    this.index = i;
    this.advance();
  }

  error(msg: string, offset = 0): RegexError {
    return patternError(this.pattern, msg, this.tell() - offset);
  }
}

interface Parsed {
  root: Node;
  /** True when a backreference sits in a case-insensitive part of the pattern. */
  caseRef: boolean;
  /** Whether the pattern can match the empty string. */
  canBeEmpty: boolean;
}

/** Port of re._parser._parse_sub/_parse with our own node types; flags are resolved per node. */
class Parser {
  private readonly src: Source;
  private flags: number;
  private readonly groupWidths: Array<[number, number] | null> = [null];
  private readonly groupNames = new Map<string, number>();
  private lookbehindGroups: number | null = null;
  private caseRef = false;

  constructor(pattern: string, flags: number) {
    this.src = new Source(pattern);
    this.flags = flags;
  }

  parse(): Parsed {
    const root = this.parseSub(!!(this.flags & F_X), 0, this.flags);
    if (this.flags & F_L) throw new RegexError('cannot use LOCALE flag with a str pattern');
    if (this.flags & F_A && this.flags & F_U) throw new RegexError('ASCII and UNICODE flags are incompatible');
    if (this.src.next !== null) throw this.src.error('unbalanced parenthesis');
    if (this.flags & F_T) throw unsupported('the template flag (?t) is', this.src.pattern, 0);
    checkLookbehinds(root, this.groupWidths);
    return { root, caseRef: this.caseRef, canBeEmpty: widthOf(root, this.groupWidths)[0] === 0 };
  }

  private get groups(): number {
    return this.groupWidths.length;
  }

  private checkGroup(gid: number): boolean {
    return gid < this.groups && this.groupWidths[gid] !== null;
  }

  private checkLookbehindGroup(gid: number): void {
    if (this.lookbehindGroups !== null) {
      if (!this.checkGroup(gid)) throw this.src.error('cannot refer to an open group');
      if (gid >= this.lookbehindGroups) throw this.src.error('cannot refer to group defined in the same lookbehind subpattern');
    }
  }

  private checkGroupName(name: string, offset: number): void {
    if (!isIdentifier(name)) throw this.src.error(`bad character in group name ${pyRepr(name)}`, cpLen(name) + offset);
  }

  private ref(gid: number, flags: number, name?: string): Node {
    if (flags & F_I) this.caseRef = true;
    return name === undefined ? { k: 'ref', n: gid, f: flags } : { k: 'ref', n: gid, name, f: flags };
  }

  private parseSub(verbose: boolean, nested: number, flags: number): Node {
    const alts: Node[][] = [];
    for (;;) {
      alts.push(this.parseSeq(verbose, nested + 1, !nested && alts.length === 0, nested ? flags : this.flags));
      if (!this.src.match('|')) break;
      if (!nested) verbose = !!(this.flags & F_X);
    }
    if (alts.length === 1) return { k: 'seq', items: alts[0] };
    return { k: 'alt', alts: alts.map((items) => ({ k: 'seq', items })) };
  }

  private parseSeq(verbose: boolean, nested: number, first: boolean, flags: number): Node[] {
    const src = this.src;
    const items: Node[] = [];
    for (;;) {
      const t = src.next;
      if (t === null || t === '|' || t === ')') break;
      src.get();
      if (verbose) {
        if (WHITESPACE.has(t)) continue;
        if (t === '#') {
          for (;;) {
            const c = src.get();
            if (c === null || c === '\n') break;
          }
          continue;
        }
      }
      if (t[0] === '\\') {
        const e = this.escape(t);
        if (e.k === 'lit') items.push({ k: 'char', cp: e.cp, f: flags });
        else if (e.k === 'cat') items.push({ k: 'set', items: [{ cat: e.cat }], neg: false, f: flags });
        else if (e.k === 'at') items.push({ k: 'at', at: e.at, f: flags });
        else items.push(this.ref(e.n, flags));
      } else if (!SPECIAL_CHARS.has(t)) {
        items.push({ k: 'char', cp: t.codePointAt(0)!, f: flags });
      } else if (t === '[') {
        items.push(this.parseClass(flags));
      } else if (REPEAT_CHARS.has(t)) {
        const here = src.tell();
        let min = 0;
        let max = MAXREPEAT;
        if (t === '?') max = 1;
        else if (t === '+') min = 1;
        else if (t === '{') {
          if (src.next === '}') {
            items.push({ k: 'char', cp: 0x7b, f: flags });
            continue;
          }
          let lo = '';
          let hi = '';
          while (src.next !== null && DIGITS.has(src.next)) lo += src.get();
          if (src.match(',')) {
            while (src.next !== null && DIGITS.has(src.next)) hi += src.get();
          } else hi = lo;
          if (!src.match('}')) {
            items.push({ k: 'char', cp: 0x7b, f: flags });
            src.seek(here);
            continue;
          }
          if (lo) {
            min = Number(lo);
            if (min >= MAXREPEAT) throw new RegexError('the repetition number is too large');
          }
          if (hi) {
            max = Number(hi);
            if (max >= MAXREPEAT) throw new RegexError('the repetition number is too large');
            if (max < min) throw src.error('min repeat greater than max repeat', src.tell() - here);
          }
        }
        const last = items[items.length - 1];
        if (!last || last.k === 'at') throw src.error('nothing to repeat', src.tell() - here + 1);
        if (last.k === 'rep') throw src.error('multiple repeat', src.tell() - here + 1);
        let lazy = false;
        if (src.match('?')) lazy = true;
        else if (src.next === '+') throw unsupported('possessive quantifiers (*+, ++, ?+, {m,n}+) are', src.pattern, src.tell());
        items[items.length - 1] = { k: 'rep', min, max, lazy, body: last };
      } else if (t === '.') {
        items.push({ k: 'any', f: flags });
      } else if (t === '(') {
        const start = src.tell() - 1;
        let capture = true;
        let name: string | undefined;
        let add = 0;
        let del = 0;
        if (src.match('?')) {
          const ch = src.get();
          if (ch === null) throw src.error('unexpected end of pattern');
          if (ch === 'P') {
            if (src.match('<')) {
              name = src.getuntil('>', 'group name');
              this.checkGroupName(name, 1);
            } else if (src.match('=')) {
              const ref = src.getuntil(')', 'group name');
              this.checkGroupName(ref, 1);
              const gid = this.groupNames.get(ref);
              if (gid === undefined) throw src.error(`unknown group name ${pyRepr(ref)}`, cpLen(ref) + 1);
              if (!this.checkGroup(gid)) throw src.error('cannot refer to an open group', cpLen(ref) + 1);
              this.checkLookbehindGroup(gid);
              items.push(this.ref(gid, flags, ref));
              continue;
            } else {
              const c2 = src.get();
              if (c2 === null) throw src.error('unexpected end of pattern');
              throw src.error(`unknown extension ?P${c2}`, cpLen(c2) + 2);
            }
          } else if (ch === ':') {
            capture = false;
          } else if (ch === '#') {
            for (;;) {
              if (src.next === null) throw src.error('missing ), unterminated comment', src.tell() - start);
              if (src.get() === ')') break;
            }
            continue;
          } else if (ch === '=' || ch === '!' || ch === '<') {
            let kind: string = ch;
            const behind = ch === '<';
            const saved = this.lookbehindGroups;
            if (behind) {
              const c2 = src.get();
              if (c2 === null) throw src.error('unexpected end of pattern');
              if (c2 !== '=' && c2 !== '!') throw src.error(`unknown extension ?<${c2}`, cpLen(c2) + 2);
              kind = c2;
              if (saved === null) this.lookbehindGroups = this.groups;
            }
            const body = this.parseSub(verbose, nested + 1, flags);
            if (behind && saved === null) this.lookbehindGroups = null;
            if (!src.match(')')) throw src.error('missing ), unterminated subpattern', src.tell() - start);
            items.push({ k: 'look', behind, neg: kind === '!', body });
            continue;
          } else if (ch === '(') {
            throw unsupported('conditional groups (?(id)yes|no) are', src.pattern, start);
          } else if (ch === '>') {
            throw unsupported('atomic groups (?>...) are', src.pattern, start);
          } else if (FLAG_OF.has(ch) || ch === '-') {
            const r = this.parseFlags(ch);
            if (r === null) {
              if (!first || items.length) throw src.error('global flags not at the start of the expression', src.tell() - start);
              verbose = !!(this.flags & F_X);
              flags = this.flags;
              continue;
            }
            [add, del] = r;
            capture = false;
          } else {
            throw src.error(`unknown extension ?${ch}`, cpLen(ch) + 1);
          }
        }
        let gid: number | null = null;
        if (capture) {
          gid = this.groups;
          this.groupWidths.push(null);
          if (name !== undefined) {
            const old = this.groupNames.get(name);
            if (old !== undefined) throw src.error(`redefinition of group name ${pyRepr(name)} as group ${gid}; was group ${old}`, cpLen(name) + 1);
            this.groupNames.set(name, gid);
          }
        }
        const subVerbose = (verbose || !!(add & F_X)) && !(del & F_X);
        let subFlags = flags;
        if (add & TYPE_FLAGS) subFlags &= ~TYPE_FLAGS;
        subFlags = (subFlags | add) & ~del;
        const body = this.parseSub(subVerbose, nested + 1, subFlags);
        if (!src.match(')')) throw src.error('missing ), unterminated subpattern', src.tell() - start);
        if (gid !== null) this.groupWidths[gid] = widthOf(body, this.groupWidths);
        items.push(name === undefined ? { k: 'group', n: gid, body } : { k: 'group', n: gid, name, body });
      } else if (t === '^') {
        items.push({ k: 'at', at: 'bol', f: flags });
      } else if (t === '$') {
        items.push({ k: 'at', at: 'eol', f: flags });
      }
    }
    return items;
  }

  private parseClass(flags: number): Node {
    const src = this.src;
    const here = src.tell() - 1;
    const set: Array<{ lo: number; hi: number } | { cat: Cat }> = [];
    const neg = src.match('^');
    for (;;) {
      const t = src.get();
      if (t === null) throw src.error('unterminated character set', src.tell() - here);
      if (t === ']' && set.length) break;
      const code1: Esc = t[0] === '\\' ? this.classEscape(t) : { k: 'lit', cp: t.codePointAt(0)! };
      if (src.match('-')) {
        const that = src.get();
        if (that === null) throw src.error('unterminated character set', src.tell() - here);
        if (that === ']') {
          set.push(code1.k === 'cat' ? { cat: code1.cat } : { lo: (code1 as { cp: number }).cp, hi: (code1 as { cp: number }).cp });
          set.push({ lo: 0x2d, hi: 0x2d });
          break;
        }
        const code2: Esc = that[0] === '\\' ? this.classEscape(that) : { k: 'lit', cp: that.codePointAt(0)! };
        if (code1.k !== 'lit' || code2.k !== 'lit' || code2.cp < code1.cp) {
          throw src.error(`bad character range ${t}-${that}`, cpLen(t) + 1 + cpLen(that));
        }
        set.push({ lo: code1.cp, hi: code2.cp });
      } else {
        set.push(code1.k === 'cat' ? { cat: code1.cat } : { lo: (code1 as { cp: number }).cp, hi: (code1 as { cp: number }).cp });
      }
    }
    return { k: 'set', items: set, neg, f: flags };
  }

  /** Escapes shared by both contexts: \x, \u, \U, \N; null when the escape is something else. */
  private numericEscape(escape: string): Esc | null {
    const src = this.src;
    const c = escape.slice(1);
    if (c === 'x' || c === 'u' || c === 'U') {
      const n = c === 'x' ? 2 : c === 'u' ? 4 : 8;
      const full = escape + src.getwhile(n, HEXDIGITS);
      if (full.length !== n + 2) throw src.error(`incomplete escape ${full}`, full.length);
      const cp = parseInt(full.slice(2), 16);
      if (cp > MAXCP) throw src.error(`bad escape ${full}`, full.length);
      return { k: 'lit', cp };
    }
    if (c === 'N') {
      if (!src.match('{')) throw src.error('missing {');
      const name = src.getuntil('}', 'character name');
      throw unsupported(`named Unicode escapes (\\N{${name}}) are`, src.pattern, src.tell() - cpLen(name) - 4);
    }
    return null;
  }

  private classEscape(escape: string): Esc {
    const src = this.src;
    const lit = ESCAPES.get(escape);
    if (lit !== undefined) return { k: 'lit', cp: lit };
    const cat = CATEGORIES.get(escape);
    if (cat && cat.k === 'cat') return cat;
    const num = this.numericEscape(escape);
    if (num) return num;
    const c = escape.slice(1);
    if (OCTDIGITS.has(c)) {
      const full = escape + src.getwhile(2, OCTDIGITS);
      const cp = parseInt(full.slice(1), 8);
      if (cp > 0o377) throw src.error(`octal escape value ${full} outside of range 0-0o377`, full.length);
      return { k: 'lit', cp };
    }
    if (!DIGITS.has(c) && !/^[A-Za-z]$/.test(c)) return { k: 'lit', cp: c.codePointAt(0)! };
    throw src.error(`bad escape ${escape}`, cpLen(escape));
  }

  private escape(escape: string): Esc {
    const src = this.src;
    const cat = CATEGORIES.get(escape);
    if (cat) return cat;
    const lit = ESCAPES.get(escape);
    if (lit !== undefined) return { k: 'lit', cp: lit };
    const num = this.numericEscape(escape);
    if (num) return num;
    const c = escape.slice(1);
    if (c === '0') {
      const full = escape + src.getwhile(2, OCTDIGITS);
      return { k: 'lit', cp: parseInt(full.slice(1), 8) };
    }
    if (DIGITS.has(c)) {
      let full = escape;
      if (src.next !== null && DIGITS.has(src.next)) {
        full += src.get();
        if (OCTDIGITS.has(full[1]) && OCTDIGITS.has(full[2]) && src.next !== null && OCTDIGITS.has(src.next)) {
          full += src.get();
          const cp = parseInt(full.slice(1), 8);
          if (cp > 0o377) throw src.error(`octal escape value ${full} outside of range 0-0o377`, full.length);
          return { k: 'lit', cp };
        }
      }
      const group = Number(full.slice(1));
      if (group < this.groups) {
        if (!this.checkGroup(group)) throw src.error('cannot refer to an open group', full.length);
        this.checkLookbehindGroup(group);
        return { k: 'ref', n: group };
      }
      throw src.error(`invalid group reference ${group}`, full.length - 1);
    }
    if (!/^[A-Za-z]$/.test(c)) return { k: 'lit', cp: c.codePointAt(0)! };
    throw src.error(`bad escape ${escape}`, cpLen(escape));
  }

  private parseFlags(first: string): [number, number] | null {
    const src = this.src;
    let ch: string | null = first;
    let add = 0;
    let del = 0;
    if (ch !== '-') {
      for (;;) {
        const flag = FLAG_OF.get(ch)!;
        if (ch === 'L') throw src.error("bad inline flags: cannot use 'L' flag with a str pattern");
        add |= flag;
        if (flag & TYPE_FLAGS && (add & TYPE_FLAGS) !== flag) throw src.error("bad inline flags: flags 'a', 'u' and 'L' are incompatible");
        ch = src.get();
        if (ch === null) throw src.error('missing -, : or )');
        if (ch === ')' || ch === '-' || ch === ':') break;
        if (!FLAG_OF.has(ch)) throw src.error(isAlpha(ch) ? 'unknown flag' : 'missing -, : or )', cpLen(ch));
      }
    }
    if (ch === ')') {
      this.flags |= add;
      return null;
    }
    if (add & F_T) throw src.error('bad inline flags: cannot turn on global flag', 1);
    if (ch === '-') {
      ch = src.get();
      if (ch === null) throw src.error('missing flag');
      if (!FLAG_OF.has(ch)) throw src.error(isAlpha(ch) ? 'unknown flag' : 'missing flag', cpLen(ch));
      for (;;) {
        const flag = FLAG_OF.get(ch)!;
        if (flag & TYPE_FLAGS) throw src.error("bad inline flags: cannot turn off flags 'a', 'u' and 'L'");
        del |= flag;
        ch = src.get();
        if (ch === null) throw src.error('missing :');
        if (ch === ':') break;
        if (!FLAG_OF.has(ch)) throw src.error(isAlpha(ch) ? 'unknown flag' : 'missing :', cpLen(ch));
      }
    }
    if (del & F_T) throw src.error('bad inline flags: cannot turn off global flag', 1);
    if (add & del) throw src.error('bad inline flags: flag turned on and off', 1);
    return [add, del];
  }
}

/** Python's SubPattern.getwidth(): (min, max) length in code points, capped like Python's. */
function widthOf(n: Node, groups: ReadonlyArray<[number, number] | null>): [number, number] {
  switch (n.k) {
    case 'char':
    case 'set':
    case 'any':
      return [1, 1];
    case 'at':
    case 'look':
      return [0, 0];
    case 'group':
      return widthOf(n.body, groups);
    case 'ref':
      return groups[n.n] ?? [0, 0];
    case 'rep': {
      const [lo, hi] = widthOf(n.body, groups);
      return [Math.min(lo * n.min, MAXREPEAT - 1), Math.min(hi * n.max, MAXREPEAT)];
    }
    case 'seq': {
      let lo = 0;
      let hi = 0;
      for (const it of n.items) {
        const [a, b] = widthOf(it, groups);
        lo += a;
        hi += b;
      }
      return [Math.min(lo, MAXREPEAT - 1), Math.min(hi, MAXREPEAT)];
    }
    case 'alt': {
      let lo = MAXREPEAT - 1;
      let hi = 0;
      for (const a of n.alts) {
        const [l, h] = widthOf(a, groups);
        lo = Math.min(lo, l);
        hi = Math.max(hi, h);
      }
      return [lo, hi];
    }
  }
}

/** Python's compiler rejects look-behinds whose width is not fixed. */
function checkLookbehinds(n: Node, groups: ReadonlyArray<[number, number] | null>): void {
  switch (n.k) {
    case 'look':
      if (n.behind) {
        const [lo, hi] = widthOf(n.body, groups);
        if (lo !== hi) throw new RegexError('look-behind requires fixed-width pattern');
      }
      checkLookbehinds(n.body, groups);
      return;
    case 'group':
    case 'rep':
      checkLookbehinds(n.body, groups);
      return;
    case 'seq':
      for (const it of n.items) checkLookbehinds(it, groups);
      return;
    case 'alt':
      for (const a of n.alts) checkLookbehinds(a, groups);
      return;
    default:
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Code point sets: flat sorted arrays [lo0, hi0, lo1, hi1, …] of disjoint, non-adjacent ranges.

type CpSet = readonly number[];

function normalize(pairs: number[]): number[] {
  const idx: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) idx.push(i);
  idx.sort((a, b) => pairs[a] - pairs[b]);
  const out: number[] = [];
  for (const i of idx) {
    const lo = pairs[i];
    const hi = pairs[i + 1];
    if (out.length && lo <= out[out.length - 1] + 1) {
      if (hi > out[out.length - 1]) out[out.length - 1] = hi;
    } else out.push(lo, hi);
  }
  return out;
}

function union(a: CpSet, b: CpSet): number[] {
  return normalize([...a, ...b]);
}

function complement(a: CpSet): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < a.length; i += 2) {
    if (a[i] > next) out.push(next, a[i] - 1);
    next = a[i + 1] + 1;
  }
  if (next <= MAXCP) out.push(next, MAXCP);
  return out;
}

function intersect(a: CpSet, b: CpSet): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i], b[j]);
    const hi = Math.min(a[i + 1], b[j + 1]);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return out;
}

function has(a: CpSet, cp: number): boolean {
  let lo = 0;
  let hi = a.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < a[2 * mid]) hi = mid - 1;
    else if (cp > a[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

function decodeRanges(data: string): number[] {
  const nums = data.split(' ').map((x) => parseInt(x, 36));
  const out: number[] = [];
  let prev = -1;
  for (let i = 0; i < nums.length; i += 2) {
    const lo = prev + 1 + nums[i];
    prev = lo + nums[i + 1];
    out.push(lo, prev);
  }
  return out;
}

const SPACE: CpSet = [0x9, 0xd, 0x1c, 0x20, 0x85, 0x85, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000];
const ASCII_SETS: Record<'d' | 's' | 'w', CpSet> = { d: [0x30, 0x39], s: [0x9, 0xd, 0x20, 0x20], w: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a] };
const categoryCache = new Map<string, CpSet>();

function category(cat: Cat, ascii: boolean): CpSet {
  const key = cat + (ascii ? 'a' : 'u');
  let set = categoryCache.get(key);
  if (!set) {
    const base = cat.toLowerCase() as 'd' | 's' | 'w';
    const pos = ascii ? ASCII_SETS[base] : base === 'd' ? decodeRanges(DIGIT_DATA) : base === 's' ? SPACE : decodeRanges(WORD_DATA);
    set = cat === base ? pos : complement(pos);
    categoryCache.set(key, set);
  }
  return set;
}

interface CaseTables {
  lower: Map<number, number>;
  /** Code points whose lowercase differs from themselves, as a set. */
  changes: CpSet;
  extra: Map<number, number[]>;
}
let caseTables: CaseTables | undefined;

/** Python's simple lowercase mapping (_sre.unicode_tolower) and re._casefix._EXTRA_CASES. */
function getCaseTables(): CaseTables {
  if (caseTables) return caseTables;
  const lower = new Map<number, number>();
  const nums = LOWER_DATA.split(' ').map((x) => parseInt(x, 36));
  let start = 0;
  for (let i = 0; i < nums.length; i += 4) {
    start += nums[i];
    for (let k = 0; k < nums[i + 1]; k++) lower.set(start + k * nums[i + 2], start + k * nums[i + 2] + nums[i + 3]);
  }
  const changes = normalize([...lower.keys()].flatMap((c) => [c, c]));
  const extra = new Map<number, number[]>();
  for (const entry of EXTRA_CASES_DATA.split(' ')) {
    const [k, vs] = entry.split(':');
    extra.set(parseInt(k, 16), vs.split(',').map((v) => parseInt(v, 16)));
  }
  caseTables = { lower, changes, extra };
  return caseTables;
}

/**
 * What a set matches under IGNORECASE: as in Python's compiler, a character matches when its
 * lowercase is the lowercase of a member, or one of that lowercase's extra cases.
 */
function caseFold(set: CpSet, ascii: boolean): CpSet {
  if (ascii) {
    const up = intersect(set, [0x61, 0x7a]).map((c) => c - 32);
    const down = intersect(set, [0x41, 0x5a]).map((c) => c + 32);
    return union(set, [...up, ...down]);
  }
  const { lower, changes, extra } = getCaseTables();
  const pairs = intersect(set, complement(changes));
  for (const c of lower.keys()) if (has(set, c)) pairs.push(lower.get(c)!, lower.get(c)!);
  let lowered = normalize(pairs);
  const more: number[] = [];
  for (const [k, vs] of extra) if (has(lowered, k)) for (const v of vs) more.push(v, v);
  lowered = union(lowered, more);
  const out = intersect(lowered, complement(changes));
  for (const [c, l] of lower) if (has(lowered, l)) out.push(c, c);
  return normalize(out);
}

// ---------------------------------------------------------------------------------------------
// Writing JavaScript (non-`u`) syntax.

interface Out {
  src: string;
  /** Can take a quantifier as it is. */
  atom: boolean;
}

/** A BMP code unit as \\uXXXX. */
function hex4(n: number): string {
  return '\\u' + (n | 0x10000).toString(16).slice(1).toUpperCase();
}

function classChar(cp: number): string {
  if (cp >= 0x20 && cp <= 0x7e) return '\\]^-['.includes(String.fromCharCode(cp)) ? '\\' + String.fromCharCode(cp) : String.fromCharCode(cp);
  return hex4(cp);
}

function atomChar(cp: number): string {
  if (cp >= 0x20 && cp <= 0x7e) return '\\^$.|?*+()[]{}/'.includes(String.fromCharCode(cp)) ? '\\' + String.fromCharCode(cp) : String.fromCharCode(cp);
  return hex4(cp);
}

function rangesSrc(set: CpSet): string {
  let s = '';
  for (let i = 0; i < set.length; i += 2) {
    const lo = set[i];
    const hi = set[i + 1];
    s += classChar(lo);
    if (hi > lo + 1) s += '-';
    if (hi > lo) s += classChar(hi);
  }
  return s;
}

function unitClass(set: CpSet): string {
  return set.length === 2 && set[0] === set[1] ? hex4(set[0]) : `[${rangesSrc(set)}]`;
}

/** Surrogate pairs of an astral set, grouped by high surrogates that share the same lows. */
function astralParts(astral: CpSet): string[] {
  const byHigh = new Map<number, number[]>();
  for (let i = 0; i < astral.length; i += 2) {
    const a = astral[i] - 0x10000;
    const b = astral[i + 1] - 0x10000;
    for (let h = a >> 10; h <= b >> 10; h++) {
      const lo = h === a >> 10 ? a & 0x3ff : 0;
      const hi = h === b >> 10 ? b & 0x3ff : 0x3ff;
      const list = byHigh.get(h) ?? [];
      list.push(0xdc00 + lo, 0xdc00 + hi);
      byHigh.set(h, list);
    }
  }
  const byLows = new Map<string, { lows: number[]; highs: number[] }>();
  for (const [h, lows] of byHigh) {
    const k = lows.join(',');
    const g = byLows.get(k) ?? { lows, highs: [] };
    g.highs.push(0xd800 + h, 0xd800 + h);
    byLows.set(k, g);
  }
  return [...byLows.values()].map(({ lows, highs }) => unitClass(normalize(highs)) + unitClass(lows));
}

/** The shorter of a positive class and a negated one that also excludes `outside`. */
function bestClass(set: CpSet, universe: CpSet, outside: CpSet): string {
  const positive = `[${rangesSrc(set)}]`;
  const negative = `[^${rangesSrc(union(intersect(complement(set), universe), outside))}]`;
  return negative.length < positive.length ? negative : positive;
}

const BMP_UNITS: CpSet = [0, 0xd7ff, 0xe000, 0xffff]; // code units that are code points
const NON_ASCII_UNITS: CpSet = [0x80, 0xd7ff, 0xe000, 0xffff];
const SURROGATES: CpSet = [0xd800, 0xdfff];
const HIGH: CpSet = [0xd800, 0xdbff];
const LOW: CpSet = [0xdc00, 0xdfff];
const ASTRAL: CpSet = [0x10000, MAXCP];
const ALL_WIDE: CpSet = [0xd800, MAXCP];
const NOT_LOW = '(?![\\uDC00-\\uDFFF])';
const NOT_AFTER_HIGH = '(?<![\\uD800-\\uDBFF])';
const BIG_CLASS = 64; // longer BMP classes are split into ASCII and the rest, for speed
const setCache = new Map<string, Out>();

/**
 * A set of code points as a regex that consumes exactly one code point (one or two code units).
 * A surrogate pair is only ever matched whole, so no match starts or ends inside one: a lone
 * high surrogate must not be followed by a low one, and a lone low one not preceded by a high
 * one. Large classes (\w, \d) test ASCII first: V8 scans much faster past text that fails a
 * small class, and the rest sits behind a cheap non-ASCII lookahead.
 */
function emitSet(set: CpSet): Out {
  if (set.length === 2 && set[0] === set[1]) {
    const cp = set[0];
    if (cp >= 0x10000) return { src: hex4(0xd800 + ((cp - 0x10000) >> 10)) + hex4(0xdc00 + ((cp - 0x10000) & 0x3ff)), atom: false };
    if (cp >= 0xd800 && cp <= 0xdbff) return { src: hex4(cp) + NOT_LOW, atom: false };
    if (cp >= 0xdc00 && cp <= 0xdfff) return { src: NOT_AFTER_HIGH + hex4(cp), atom: false };
    return { src: atomChar(cp), atom: true };
  }
  const key = set.join(',');
  const cached = setCache.get(key);
  if (cached) return cached;
  const bmp = intersect(set, BMP_UNITS);
  const wide: string[] = []; // alternatives that start with a non-ASCII code unit
  if (intersect(set, ALL_WIDE).join(',') === ALL_WIDE.join(',')) {
    wide.push(`[\\uD800-\\uDBFF](?:[\\uDC00-\\uDFFF]|${NOT_LOW})`, `${NOT_AFTER_HIGH}[\\uDC00-\\uDFFF]`);
  } else {
    const astral = intersect(set, ASTRAL);
    if (astral.length) wide.push(...astralParts(astral));
    const highs = intersect(set, HIGH);
    if (highs.length) wide.push(unitClass(highs) + NOT_LOW);
    const lows = intersect(set, LOW);
    if (lows.length) wide.push(NOT_AFTER_HIGH + unitClass(lows));
  }
  let out: Out;
  const single = bmp.length ? bestClass(bmp, BMP_UNITS, SURROGATES) : '';
  const rest = intersect(bmp, NON_ASCII_UNITS);
  if (single.length > BIG_CLASS && rest.length) {
    const ascii = intersect(bmp, [0, 0x7f]);
    wide.unshift(bestClass(rest, NON_ASCII_UNITS, [0, 0x7f, 0xd800, 0xdfff]));
    const guarded = '(?=[\\u0080-\\uFFFF])' + (wide.length > 1 ? `(?:${wide.join('|')})` : wide[0]);
    out = { src: ascii.length ? `(?:[${rangesSrc(ascii)}]|${guarded})` : `(?:${guarded})`, atom: true };
  } else {
    const parts = single ? [single, ...wide] : wide;
    if (parts.length === 0) out = { src: '[]', atom: true };
    else if (parts.length === 1) out = { src: parts[0], atom: !!single };
    else out = { src: `(?:${parts.join('|')})`, atom: true };
  }
  setCache.set(key, out);
  return out;
}

const ANY_BUT_NEWLINE: CpSet = [0, 9, 11, MAXCP];
const ANY: CpSet = [0, MAXCP];

function boundary(at: 'b' | 'B', ascii: boolean): string {
  const nonEmpty = '(?:(?<=[\\s\\S])|(?=[\\s\\S]))'; // Python's \B never matches in an empty string
  if (ascii) return at === 'b' ? '\\b' : `(?:\\B${nonEmpty})`;
  const w = emitSet(category('w', false)).src;
  if (at === 'b') return `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`;
  return `(?:(?<=${w})(?=${w})|(?<!${w})(?!${w})${nonEmpty})`;
}

function quantifier(min: number, max: number, lazy: boolean): string {
  const inf = max >= MAXREPEAT;
  let q: string;
  if (min === 0 && inf) q = '*';
  else if (min === 1 && inf) q = '+';
  else if (min === 0 && max === 1) q = '?';
  else if (inf) q = `{${min},}`;
  else if (min === max) q = `{${min}}`;
  else q = `{${min},${max}}`;
  return lazy ? q + '?' : q;
}

function emit(n: Node, names: ReadonlyMap<number, string>): Out {
  switch (n.k) {
    case 'char': {
      let set: CpSet = [n.cp, n.cp];
      if (n.f & F_I) set = caseFold(set, !!(n.f & F_A));
      return emitSet(set);
    }
    case 'set': {
      let set = nodeSet(n);
      if (n.f & F_I) set = caseFold(set, !!(n.f & F_A));
      if (n.neg) set = complement(set);
      return emitSet(set);
    }
    case 'any':
      return emitSet(n.f & F_S ? ANY : ANY_BUT_NEWLINE);
    case 'at':
      switch (n.at) {
        case 'bol':
          return { src: n.f & F_M ? '(?:^|(?<=\\n))' : '^', atom: false };
        case 'eol':
          return { src: n.f & F_M ? '(?=\\n|$)' : '(?=\\n?$)', atom: false };
        case 'bos':
          return { src: '^', atom: false };
        case 'eos':
          return { src: '$', atom: false };
        default:
          return { src: boundary(n.at, !!(n.f & F_A)), atom: false };
      }
    case 'group': {
      const body = emit(n.body, names).src;
      if (n.n === null) return { src: `(?:${body})`, atom: true };
      const name = names.get(n.n);
      return { src: name === undefined ? `(${body})` : `(?<${name}>${body})`, atom: true };
    }
    case 'look':
      return { src: `(?${n.behind ? '<' : ''}${n.neg ? '!' : '='}${emit(n.body, names).src})`, atom: false };
    case 'ref': {
      const name = names.get(n.n);
      return { src: name === undefined ? `(?:\\${n.n})` : `\\k<${name}>`, atom: true };
    }
    case 'rep': {
      const body = emit(n.body, names);
      return { src: (body.atom ? body.src : `(?:${body.src})`) + quantifier(n.min, n.max, n.lazy), atom: false };
    }
    case 'seq': {
      if (n.items.length === 1) return emit(n.items[0], names);
      return { src: n.items.map((it) => emit(it, names).src).join(''), atom: false };
    }
    case 'alt':
      return { src: n.alts.map((a) => emit(a, names).src).join('|'), atom: false };
  }
}

/** Group names JavaScript accepts as they are; other groups are written unnamed (numbers stay). */
function collectNames(n: Node, out: Map<number, string>): void {
  switch (n.k) {
    case 'group':
      if (n.n !== null && n.name !== undefined && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(n.name)) out.set(n.n, n.name);
      collectNames(n.body, out);
      return;
    case 'look':
    case 'rep':
      collectNames(n.body, out);
      return;
    case 'seq':
      for (const it of n.items) collectNames(it, out);
      return;
    case 'alt':
      for (const a of n.alts) collectNames(a, out);
      return;
    default:
      return;
  }
}

/** The code points a char or set node matches, before case-folding and negation. */
function nodeSet(n: Node & { k: 'char' | 'set' }): CpSet {
  if (n.k === 'char') return [n.cp, n.cp];
  const pairs: number[] = [];
  for (const it of n.items) {
    if ('cat' in it) pairs.push(...category(it.cat, !!(n.f & F_A)));
    else pairs.push(it.lo, it.hi);
  }
  return normalize(pairs);
}

/** Whether the JavaScript `i` flag would change what some case-sensitive part matches. */
function hasCaseSensitivePart(n: Node): boolean {
  switch (n.k) {
    case 'char':
    case 'set': {
      if (n.f & F_I) return false;
      const set = nodeSet(n);
      return caseFold(set, !!(n.f & F_A)).join(',') !== set.join(',');
    }
    case 'ref':
      return !(n.f & F_I);
    case 'group':
    case 'look':
    case 'rep':
      return hasCaseSensitivePart(n.body);
    case 'seq':
      return n.items.some(hasCaseSensitivePart);
    case 'alt':
      return n.alts.some(hasCaseSensitivePart);
    default:
      return false;
  }
}

function translate(src: string, flags: number): { source: string; flags: string } {
  const parsed = new Parser(src, flags).parse();
  let jsFlags = '';
  if (parsed.caseRef) {
    // Only the `i` flag makes a backreference compare case-insensitively; it is safe only when
    // it changes nothing else.
    if (hasCaseSensitivePart(parsed.root)) throw new RegexError(`a backreference in a case-insensitive part of a partly case-sensitive pattern is not supported (${JSON.stringify(src)})`);
    jsFlags = 'i';
  }
  const names = new Map<number, string>();
  collectNames(parsed.root, names);
  let source = emit(parsed.root, names).src;
  // The engine also tries to start a match between the halves of a surrogate pair; only an
  // empty match can succeed there, and Python has no such position.
  if (parsed.canBeEmpty) source = '(?<![\\uD800-\\uDBFF](?=[\\uDC00-\\uDFFF]))' + (parsed.root.k === 'alt' ? `(?:${source})` : source);
  return { source, flags: jsFlags };
}

/**
 * Translates a Python pattern to a JavaScript source and flags (`i` at most), to be compiled
 * without the `u` flag. Throws RegexError for patterns Python rejects, with Python's message.
 */
export function translatePythonRegex(src: string): { source: string; flags: string } {
  return translate(src, 0);
}

/**
 * Compiles a Python-dialect pattern. In extraFlags, `i`, `m` and `s` act as Python's re.I, re.M
 * and re.S; `g`, `d` and `y` are passed to the RegExp.
 */
export function compilePythonRegex(src: string, extraFlags = ''): RegExp {
  let py = 0;
  let js = '';
  for (const c of extraFlags) {
    if (c === 'i') py |= F_I;
    else if (c === 'm') py |= F_M;
    else if (c === 's') py |= F_S;
    else if (c === 'u' || c === 'v') throw new RegexError(`the '${c}' flag cannot be used with a translated Python pattern`);
    else js += c;
  }
  const { source, flags } = translate(src, py);
  return build(source, mergeFlags(flags, js));
}

function build(source: string, flags: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new RegexError((e as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}

function mergeFlags(a: string, b: string): string {
  let f = a;
  for (const c of b) if (!f.includes(c)) f += c;
  return f;
}

/** Compiles a pattern that must match a whole string (Python's re.fullmatch). */
export function compileFullMatch(src: string): RegExp {
  const { source, flags } = translatePythonRegex(src);
  return build(`^(?:${source})$`, flags);
}

// ---------------------------------------------------------------------------------------------
// Unicode data from Python 3.11 (Unicode 14.0). Ranges are base-36 pairs (gap since the previous
// range's end + 1, length - 1); lowercase runs are base-36 quadruples (start offset from the
// previous run, count, step, lowercase - code point). Regenerate with python3:
//   \w: c.isalnum() or c == '_'; \d: c.isdecimal(); lowercase: _sre.unicode_tolower;
//   extra cases: re._casefix._EXTRA_CASES (hex, lowercase: other lowercases).
const WORD_DATA =
  '1c 9 7 p 4 0 1 p 1b 0 7 1 1 0 3 1 1 2 1 m 1 u 1 cp 4 b e 4 7 0 1 0 3l 4 1 1 2 3 1 0 6 0 1 2 1 0 1 j 1 2a 1 ' +
  '3u 8 4l 1 11 2 0 6 14 1z q 4 3 19 16 l 9 4 1 1 2q 1 0 f 1 7 e 2 0 g 0 1 t t 2g b 0 e 16 9 1 4 0 5 l 4 0 9 0 ' +
  '3 0 n o 7 a 5 n 1 5 h 15 1m 1h 3 0 i 0 7 9 4 9 1 f 4 7 2 1 2 l 1 6 1 0 3 3 3 0 g 0 d 1 1 2 4 b 2 5 2 0 8 5 4 ' +
  '1 2 l 1 6 1 1 1 1 1 1 v 3 1 0 7 9 2 2 g 8 1 2 1 l 1 6 1 1 1 4 3 0 i 0 f 1 4 9 9 0 b 7 2 1 2 l 1 6 1 1 1 4 3 ' +
  '0 u 1 1 2 4 9 1 6 b 0 1 5 3 2 1 3 3 1 1 0 1 1 3 1 3 2 3 b m 0 l c i 7 1 2 1 m 1 f 3 0 q 2 2 0 2 1 4 9 8 6 1 ' +
  '0 4 7 1 2 1 m 1 9 1 4 3 0 v 1 1 1 4 9 1 1 h 8 1 2 1 14 2 0 g 0 5 2 1 9 4 i 1 5 5 h 3 n 1 8 1 0 2 6 v 9 h 1b ' +
  '1 1 c 6 9 9 13 1 1 0 1 4 1 n 1 0 1 9 1 1 9 0 2 4 1 0 9 9 2 3 w 0 v j c 7 1 z r 4 37 16 k a 6 5 4 3 3 0 3 1 7 ' +
  '2 4 c c 0 1 9 6 11 1 0 5 0 2 16 1 98 1 3 2 6 1 0 1 3 2 14 1 3 2 w 1 3 2 6 1 0 1 3 2 e 1 1k 1 3 2 1u e j 3 f ' +
  'g 2d 2 5 3 h7 2 g 1 p 5 22 3 a 7 h d i e h e c 1 2 f 1f z 0 4 0 3 9 6 9 m 9 6 2g 7 4 2 x 1 0 5 1x a u 13 13 ' +
  '2 4 b 17 4 p 6 a 11 m 9 1g 17 9 6 9 d 0 2l 1a h 7 3 9 15 t d 1j q z s 9 3 1c 2 8 7 16 2 2 15 3 1 5 1 1 3 0 5 ' +
  '5b 1s 7p 2 5 2 11 2 5 2 7 1 0 1 0 1 0 1 u 2 1g 1 6 1 0 3 2 1 6 3 3 2 5 4 c 5 2 1 6 37 1 2 5 5 a 6 c 2t 0 4 0 ' +
  '2 9 1 0 3 4 6 0 1 0 1 0 1 3 1 a 2 3 5 4 4 0 1 1l k6 1n 26 l hi t vg 6c 6 3 3 1 9 0 2 11 1 0 5 0 2 1j 7 0 g m ' +
  '9 6 1 6 1 6 1 6 1 6 1 6 1 6 1 6 28 0 d1 2 p 8 7 4 2 4 4 2d 6 2 1 2h 1 3 5 16 1 2l 3 3 a v 1c f w 9 u 7 1 e w ' +
  '9 13 e 8w 533 1s h3g 1v 19 2 7g 3 r k 1a g u 2 27 13 8 2 2u 2 1r 5 1 1 0 1 4 o f 1 2 1 3 1 m d 5 a 1f e 1d s ' +
  '9 o 5 3 0 1 1 1 11 a m p s 7 1a s a 6 4 1 o 1 14 n 2 1 7 4 9 6 m 3 0 3 1d 1 0 3 1 2 4 2 0 1 0 o 2 2 a 7 2 c ' +
  '5 2 5 2 5 9 6 1 6 1 16 1 d 6 36 d 9 6 8mb c m 4 1c 6is a5 2 2x 12 6 c 4 5 0 1 9 1 c 1 4 1 0 1 1 1 1 1 2z x ' +
  'a2 i 1r 2 1h 14 b 38 4 1 3q j 9 7 p 6 p b 2g 3 5 2 5 2 5 2 2 z b 1 p 1 i 1 1 1 e 2 d y 3e c 18 c 1k h 1 6s s ' +
  '3 1c g q 4 z 9 t 5 11 a t 2 z 4 7 1 4 16 4d 2 9 6 z 4 z 4 13 8 1f c a 1 e 1 6 1 1 1 a 1 e 1 6 1 1 1v 8m 9 l ' +
  'a 7 o 5 1 15 1 8 1x 5 2 0 1 17 1 1 3 0 2 m 2 u 2 11 8 8 1c i 1 1 5 w 4 p 1y 1j 4 j 2 1a f 3 1 2 1 s a 8 n u ' +
  '1 v w 7 1 r 6 4 g 1h a l 2 q 5 p n 6 28 20 1j 1e d 1e 7 15 c 9 86 u 1 15 6 1 26 13 8 l b 3 r h 1a r k m c 1g ' +
  'q t 1 1 2 0 d 18 w o 7 9 9 z f 9 4 0 2 0 8 y 3 0 c 1b e 3 b a 1 0 4 j b h 1 o 2c 6 1 0 1 3 1 e 1 9 7 1a h 9 ' +
  'b 7 2 1 2 l 1 6 1 1 1 4 3 0 i 0 c 4 4e 1g i 3 5 9 5 2 u 1b k 1 1 0 8 9 4m 1a 15 3 10 1b k 0 b 9 12 16 d 0 7 ' +
  '9 1i q l b 4 6 55 17 38 2a c 7 2 0 2 7 1 1 1 n f 0 1 0 e 9 1y 7 2 12 g 0 1 0 s 0 a 13 7 0 l 0 b 19 j 0 i 20 ' +
  '7b 8 1 10 h 0 f s 5 t 34 6 1 1 1 11 l 0 9 9 6 5 1 1 1 v e 0 7 9 8m i 59 0 f k 17 pl 2u 32 h 5f 218 2o f tq ' +
  '34h g6 6nt fs 7 u 1 9 6 26 1 9 6 t i 1b g 3 c 9 1 6 1 k 5 i j4 2e 2x 22 5 0 1u c 1s 1 1 0 s 4qf 8 yd 16 8 ' +
  '6w7 3 1 6 1 1 1 82 19 2 h 3 8 az 1s4 2y 5 c 3 8 7 9 4ee j 30 o 3r 2c 1 1y 1 1 2 0 2 1 2 3 1 b 1 0 1 6 1 1s 1 ' +
  '3 2 7 1 6 1 r 1 3 1 4 1 0 3 6 1 9f 2 o 1 o 1 u 1 o 1 u 1 o 1 u 1 o 1 u 1 o 1 7 2 1d 1ds u dd 18 a 6 2 9 4 0 ' +
  '8x t i 17 4 9 yu 6 1 3 1 1 1 e 1 5g 2 8 1c 1v 7 0 4 9 lz 1m 1 2 1 3 24 18 1 e 5e 3 1 q 1 1 1 0 2 0 1 9 1 3 1 ' +
  '0 1 0 6 0 4 0 1 0 1 0 1 2 1 1 1 0 2 0 1 0 1 0 1 0 1 0 1 1 1 0 2 3 1 6 1 3 1 3 1 0 1 9 1 g 5 2 1 4 1 g g4 c ' +
  '25f 9 sm wyn w 37c 7 65 2 4g1 e 5rk 2e7 f1 15u 3t6';
const DIGIT_DATA =
  '1c 9 17q 9 3q 9 5i 9 bg 9 3a 9 3a 9 3a 9 3a 9 3a 9 3a 9 3a 9 3a 9 3a 9 2o 9 3a 9 1y 9 7q 9 1y 9 1fq 9 12 9 ' +
  '8c 9 3k 9 4m 9 6 9 52 9 2e 9 3q 9 6 9 r7q 9 iu 9 12 9 5i 9 m 9 2e 9 ba 9 geu 9 13a 9 1om 9 mk 9 3k 9 1o 9 40 ' +
  '9 7q 9 9i 9 3a 9 ae 9 2u 9 2u 9 bq 9 2u 9 l2 9 6u 9 1y 9 f5i 9 2e 9 3q 9 lf8 1d 1ts 9 bq 9 192 9 3o6 9';
const LOWER_DATA =
  '1t q 1 w 3j n 1 w o 7 1 w 14 o 2 1 1c 1 1 -5j 2 3 2 1 7 8 2 1 h n 2 1 1a 1 1 -3d 1 3 2 1 8 1 1 5u 1 2 2 1 4 ' +
  '1 1 5q 1 1 1 1 2 2 1 5p 2 1 1 1 3 1 1 27 1 1 1 5m 1 1 1 5n 1 1 1 1 2 1 1 5p 1 1 1 5r 2 1 1 5v 1 1 1 5t 1 1 1 ' +
  '1 4 1 1 5v 1 1 1 5x 2 1 1 5y 1 3 2 1 6 1 1 62 1 1 1 1 2 1 1 62 3 1 1 1 2 1 1 62 1 1 1 1 2 2 1 61 2 2 2 1 4 1 ' +
  '1 63 1 2 4 1 c 1 1 2 1 1 1 1 2 1 1 2 1 1 1 1 2 1 1 2 1 9 2 1 j 9 2 1 j 1 1 2 1 2 2 1 4 1 1 -2p 1 1 1 -1k 1 k ' +
  '2 1 14 1 1 -3m 2 9 2 1 o 1 1 8bv 1 1 1 1 2 1 1 -4j 1 1 1 8bs 3 1 1 1 2 1 1 -5f 1 1 1 1x 1 1 1 1z 1 5 2 1 8a ' +
  '2 2 1 6 1 1 1 9 1 1 38 7 1 1 12 2 3 1 11 4 1 1 1s 2 2 1 1r 3 h 1 w i 9 1 w 18 1 1 8 9 c 2 1 s 1 1 -1o 3 1 1 ' +
  '1 2 1 1 -7 1 1 1 1 3 3 1 -3m 3 g 1 28 g w 1 w 28 h 2 1 16 r 2 1 1i 1 1 f 1 7 2 1 f 1c 2 1 2p 12 1 1c 29b 12 ' +
  '1 5ls 13 2 6 5ls k9 28 1 tzk 28 6 1 8 1pc 17 1 -2bk 19 3 1 -2bk 8z 23 2 1 4e 1 1 -5vj 2 1c 2 1 2w 8 1 -8 g 6 ' +
  '1 -8 g 8 1 -8 g 8 1 -8 g 6 1 -8 h 4 2 -8 f 8 1 -8 w 8 1 -8 g 8 1 -8 g 8 1 -8 g 2 1 -8 2 2 1 -22 2 1 1 -9 c 4 ' +
  '1 -2e 4 1 1 -9 c 2 1 -8 2 2 1 -2s e 2 1 -8 2 2 1 -34 2 1 1 -7 c 2 1 -3k 2 2 1 -3i 2 1 1 -9 8a 1 1 -5st 4 1 1 ' +
  '-6gv 1 1 1 -6di 7 1 1 s 1a g 1 g z 1 1 1 mr q 1 q 1fu 1c 1 1c 2o 1 1 1 2 1 1 -8af 1 1 1 -2xy 1 1 1 -89z 3 3 ' +
  '2 1 6 1 1 -8bg 1 1 1 -8al 1 1 1 -8bj 1 1 1 -8bi 2 2 3 1 c 2 1 -8cf 2 1e 2 1 2z 2 2 1 7 2 nym 1 nyo m 2 1 1q ' +
  'e 2 1 4i 7 2 1 g v 2 1 1z 2 2 1 4 1 1 -r9g 1 5 2 1 d 1 1 1 2 1 1 -wmg 3 2 2 1 6 a 2 1 k 1 1 -wn8 1 1 1 -wnj ' +
  '1 1 1 -wnf 1 1 1 -wn5 1 1 1 -wn8 2 1 1 -wlu 1 1 1 -wmi 1 1 1 -wlx 1 1 1 ps 1 8 2 1 g 1 1 -1c 1 1 1 -wn7 1 1 ' +
  '1 -raw 1 2 2 1 9 2 6 1 8 2 t 1 h8p q 1 w yn 14 1 14 4w 10 1 14 5c b 1 13 c f 1 13 g 7 1 13 8 2 1 13 1d8 1f 1 ' +
  '1s 2e8 w 1 w gww w 1 w o8w y 1 y';
const EXTRA_CASES_DATA =
  '69:131 73:17f b5:3bc 131:69 17f:73 345:3b9,1fbe 390:1fd3 3b0:1fe3 3b2:3d0 3b5:3f5 3b8:3d1 3b9:345,1fbe ' +
  '3ba:3f0 3bc:b5 3c0:3d6 3c1:3f1 3c2:3c3 3c3:3c2 3c6:3d5 3d0:3b2 3d1:3b8 3d5:3c6 3d6:3c0 3f0:3ba 3f1:3c1 ' +
  '3f5:3b5 432:1c80 434:1c81 43e:1c82 441:1c83 442:1c84,1c85 44a:1c86 463:1c87 1c80:432 1c81:434 1c82:43e ' +
  '1c83:441 1c84:442,1c85 1c85:442,1c84 1c86:44a 1c87:463 1c88:a64b 1e61:1e9b 1e9b:1e61 1fbe:345,3b9 1fd3:390 ' +
  '1fe3:3b0 a64b:1c88 fb05:fb06 fb06:fb05';
