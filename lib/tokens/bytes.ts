/**
 * A growable UTF-8 output buffer for the line fast path. Token values that are numbers, cached
 * timestamps or pre-encoded file lines are written straight into it as bytes, so rendering an
 * event allocates no strings and leaves nothing for the garbage collector (in the string path,
 * strings, their flattening and the UTF-8 pass were over half of a worker's time).
 */
export class ByteSink {
  buf: Buffer;
  pos = 0;
  readonly #alloc: (minBytes: number) => Buffer;

  constructor(initialBytes: number, alloc: (minBytes: number) => Buffer) {
    this.#alloc = alloc;
    this.buf = alloc(Math.max(4096, initialBytes));
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.#grow(n);
  }

  #grow(n: number): void {
    const bigger = this.#alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** Copies pre-encoded bytes. */
  bytes(b: Uint8Array): void {
    const n = b.length;
    if (this.pos + n > this.buf.length) this.#grow(n);
    this.pos = copyRange(this.buf, this.pos, b, 0, n);
  }

  /** Copies value `i` of a packed list. */
  packed(list: PackedStrings, i: number): void {
    const from = list.start[i];
    const n = list.start[i + 1] - from;
    if (this.pos + n > this.buf.length) this.#grow(n);
    this.pos = copyRange(this.buf, this.pos, list.data, from, n);
  }

  /** Writes a string as UTF-8 (one Buffer.write: values of unknown shape, e.g. cons strings). */
  string(s: string): void {
    const n = s.length;
    if (this.pos + n * 3 > this.buf.length) this.#grow(n * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Writes 0 ≤ v < 10^width in decimal with leading zeros to `width` digits. */
  padded(v: number, width: number): void {
    if (this.pos + width > this.buf.length) this.#grow(width);
    const buf = this.buf;
    for (let q = this.pos + width - 1; q >= this.pos; q--) {
      const next = (v / 10) | 0;
      buf[q] = 0x30 + (v - next * 10);
      v = next;
    }
    this.pos += width;
  }

  /** Writes an integer in decimal, as String(v) would. */
  int(v: number): void {
    if ((v | 0) !== v) return this.string(String(v));
    if (this.pos + MAX_INT_BYTES > this.buf.length) this.#grow(MAX_INT_BYTES);
    this.pos = writeInt(this.buf, this.pos, v);
  }

  /** Repeats bytes already written at [start, end) (a token that occurs twice in one event). */
  repeat(start: number, end: number): void {
    const n = end - start;
    if (this.pos + n > this.buf.length) this.#grow(n);
    this.buf.copyWithin(this.pos, start, end);
    this.pos += n;
  }
}

/**
 * Copies src[from, from + n) to buf at pos (room must exist) and returns the new position. Short
 * runs by hand: below ~16 bytes a loop beats the fixed cost of a set() call (bench/README.md).
 */
export function copyRange(buf: Uint8Array, pos: number, src: Uint8Array, from: number, n: number): number {
  if (n > 16) {
    buf.set(from === 0 && n === src.length ? src : src.subarray(from, from + n), pos);
    return pos + n;
  }
  for (let k = 0; k < n; k++) buf[pos + k] = src[from + k];
  return pos + n;
}

/** The most bytes writeInt() writes: "-2147483648". */
export const MAX_INT_BYTES = 11;

/**
 * Writes v in decimal at pos (room for MAX_INT_BYTES must exist) and returns the new position;
 * exactly String(v). Int32 values (nearly every token) take integer arithmetic, two digits per
 * step from a table, so a 6-digit number costs three divisions instead of twelve; others go
 * through String().
 */
export function writeInt(buf: Uint8Array, pos: number, v: number): number {
  if ((v | 0) !== v || v === -2147483648) return pos + Buffer.prototype.write.call(buf, String(v), pos, 'latin1');
  if (v < 0) {
    buf[pos++] = 0x2d;
    v = -v;
  }
  const end = pos + decimalDigits(v);
  let q = end;
  while (v >= 100) {
    const next = (v / 100) | 0;
    const r = (v - next * 100) << 1;
    buf[--q] = DIGIT_PAIRS[r + 1];
    buf[--q] = DIGIT_PAIRS[r];
    v = next;
  }
  if (v >= 10) {
    buf[--q] = DIGIT_PAIRS[(v << 1) + 1];
    buf[--q] = DIGIT_PAIRS[v << 1];
  } else buf[--q] = 0x30 + v;
  return end;
}

/** "00" "01" … "99" as ASCII codes. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 0x30 + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)));

/** Number of decimal digits of a non-negative int32. */
function decimalDigits(v: number): number {
  if (v < 100000) return v < 100 ? (v < 10 ? 1 : 2) : v < 1000 ? 3 : v < 10000 ? 4 : 5;
  return v < 10000000 ? (v < 1000000 ? 6 : 7) : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
}

/**
 * A list of strings encoded once into one byte array: value i is data[start[i] … start[i + 1]).
 * One allocation for a whole file of values, where a Buffer per line would cost ~100 bytes each.
 */
export interface PackedStrings {
  readonly data: Uint8Array;
  readonly start: Uint32Array;
}

export function packStrings(values: readonly string[]): PackedStrings {
  let total = 0;
  for (const v of values) total += Buffer.byteLength(v, 'utf8');
  const data = Buffer.allocUnsafeSlow(total);
  const start = new Uint32Array(values.length + 1);
  let p = 0;
  for (let i = 0; i < values.length; i++) {
    start[i] = p;
    p += data.write(values[i], p, 'utf8');
  }
  start[values.length] = p;
  return { data, start };
}
