/**
 * Python `re` patterns translated to JavaScript: every case in pyregex-oracle.ts was run through
 * Python 3.11's re.finditer once (see pyregex-oracle.py); here the translation must find the
 * same matches and group spans, or fail with the same message.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileFullMatch, compilePythonRegex, RegexError, translatePythonRegex } from '../../../lib/tokens/pyregex';
import { CORPUS } from '../../helpers/cli';
import { PYTHON_ORACLE } from './pyregex-oracle';

/** Code unit index just past the code point at i. */
function nextCodePoint(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return i + 2;
  }
  return i + 1;
}

/**
 * Python's re.finditer on a compiled translation: after an empty match, the next match may
 * start at the same place only if it is not empty (Python 3.7+), else the search moves on one
 * code point.
 */
function finditer(re: RegExp, s: string): number[][] {
  const rows: number[][] = [];
  let pos = 0;
  let mustAdvance = false;
  while (pos <= s.length) {
    let m: RegExpExecArray | null = null;
    if (mustAdvance) {
      const nonEmptyHere = new RegExp(`(?:${re.source})(?<!^[\\s\\S]{${pos}})`, re.flags.replace('g', '') + 'y');
      nonEmptyHere.lastIndex = pos;
      m = nonEmptyHere.exec(s);
      if (!m) {
        pos = nextCodePoint(s, pos);
        if (pos > s.length) break;
      }
    }
    if (!m) {
      re.lastIndex = pos;
      m = re.exec(s);
    }
    if (!m) break;
    const row: number[] = [];
    for (let g = 0; g < m.length; g++) row.push(...(m.indices![g] ?? [-1, -1]));
    rows.push(row);
    mustAdvance = m[0].length === 0;
    pos = m.index + m[0].length;
  }
  return rows;
}

const title = (c: { p: string; s: string; f?: string }) => `${JSON.stringify(c.p)}${c.f ? ` (${c.f})` : ''} on ${JSON.stringify(c.s)}`;

describe('Python re oracle', () => {
  const ok = PYTHON_ORACLE.filter((c) => c.m);
  const bad = PYTHON_ORACLE.filter((c) => c.error !== undefined);

  test.each(ok.map((c) => [title(c), c] as const))('%s', (_t, c) => {
    const re = compilePythonRegex(c.p, 'gd' + (c.f ?? ''));
    expect(finditer(re, c.s)).toEqual(c.m);
    // Stepping like the callers do (lastIndex++ past empty matches, by code unit), no match or
    // group starts or ends between the halves of a surrogate pair: Python has no such offset.
    const inPair = (i: number) => i > 0 && i < c.s.length && /[\uD800-\uDBFF]/.test(c.s[i - 1]) && /[\uDC00-\uDFFF]/.test(c.s[i]);
    re.lastIndex = 0;
    let n = 0;
    for (let m = re.exec(c.s); m && n < 1000; m = re.exec(c.s), n++) {
      for (const span of m.indices!) if (span) expect([inPair(span[0]), inPair(span[1])]).toEqual([false, false]);
      if (m[0].length === 0) re.lastIndex++;
    }
    expect(n).toBeLessThan(1000);
  });

  test.each(bad.map((c) => [title(c), c] as const))('rejects %s', (_t, c) => {
    expect(() => compilePythonRegex(c.p, 'gd' + (c.f ?? ''))).toThrow(new RegexError(c.error));
  });
});

describe('Python syntax with no JavaScript equivalent is refused clearly', () => {
  test.each([
    ['a++', /possessive quantifiers .* not supported/],
    ['a*+', /possessive quantifiers/],
    ['a{1,2}+', /possessive quantifiers/],
    ['(?>ab)', /atomic groups .* not supported/],
    ['(a)?(?(1)b|c)', /conditional groups .* not supported/],
    ['\\N{EM DASH}', /named Unicode escapes \(\\N\{EM DASH\}\) are not supported/],
    ['(?t)a', /template flag/],
    ['(?i:(a)\\1)b', /backreference in a case-insensitive part/],
  ])('%s', (p, msg) => {
    expect(() => compilePythonRegex(p)).toThrow(RegexError);
    expect(() => compilePythonRegex(p)).toThrow(msg);
  });
});

describe('translation details callers rely on', () => {
  test('group numbers are Python group numbers; names are kept when JavaScript allows them', () => {
    expect(translatePythonRegex('(?P<x>a)(?P=x)')).toEqual({ source: '(?<x>a)\\k<x>', flags: '' });
    const m = compilePythonRegex('(?i:x)?(?P<名>b)(c)(?P=名)', 'd').exec('bcb')!;
    expect(m.indices![1]).toEqual([0, 1]);
    expect(m.indices![2]).toEqual([1, 2]);
  });

  test('the callers\u2019 flags: g, d and y pass through; m, s and i act as re.M, re.S and re.I', () => {
    const re = compilePythonRegex('^a', 'gm');
    expect(re.flags).toBe('g');
    expect('a\na\ra'.replace(re, 'x')).toBe('x\nx\ra');
    expect(compilePythonRegex('(a)', 'gd').exec('a')!.indices![1]).toEqual([0, 1]);
    expect(compilePythonRegex('a.', 's').test('a\n')).toBe(true);
    expect(compilePythonRegex('k', 'i').test('\u212a')).toBe(true);
    expect(() => compilePythonRegex('a', 'u')).toThrow(RegexError);
  });

  test('no `u` flag: stepping past empty matches with lastIndex++ always ends', () => {
    for (const p of ['x*', '\\w*', '(?=.)', '[^a]*', '\\b']) {
      const re = compilePythonRegex(p, 'gd');
      expect(re.unicode).toBe(false);
      let n = 0;
      for (let m = re.exec('a\u{1F600}b\u{1F600}'); m && n < 100; m = re.exec('a\u{1F600}b\u{1F600}')) {
        n++;
        if (m[0].length === 0) re.lastIndex++;
      }
      expect(n).toBeLessThan(100);
    }
  });

  test('patterns the old translation compiled still compile', () => {
    for (const p of ['\\-', '[\\w\\-]+', '\\/', "\\'", '\\"', '\\ ', '\\#', '{', 'a{', 'a{1', 'x{,', '}', ']', '\\]', '(?i)abc', '(?ims)a.b', '\\Aa\\Z', '(?#c)a', '(?P<n>a)(?P=n)']) {
      expect(() => compilePythonRegex(p, 'gd')).not.toThrow();
    }
  });

  test('fullmatch: stanza names and blacklists match whole file names', () => {
    expect(compileFullMatch('sample.*').test('sample.tutorial1')).toBe(true);
    expect(compileFullMatch('sample\\d').test('sample1')).toBe(true);
    expect(compileFullMatch('sample\\d').test('sample12')).toBe(false);
    expect(compileFullMatch('timeorder\\.csv').test('timeorder.csv')).toBe(true);
    expect(compileFullMatch('a|b').test('ab')).toBe(false);
    expect(compileFullMatch('(?m)a$').test('a\n')).toBe(false);
    expect(compileFullMatch('(?i)Sample').test('SAMPLE')).toBe(true);
    expect(() => compileFullMatch('sample(')).toThrow('missing ), unterminated subpattern at position 6');
  });
});

/** Every regex in the original's corpus configs compiles the way its caller compiles it. */
describe('eventgen corpus regexes', () => {
  const confs: string[] = [];
  const walk = (dir: string) => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.conf($|\.)|eventgen\.conf/.test(n)) confs.push(p);
    }
  };
  if (existsSync(CORPUS)) walk(CORPUS);
  const run = confs.length ? test : test.skip;

  run('token, host.token, breaker, stanza names', () => {
    let n = 0;
    for (const file of confs) {
      for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
        const setting = /^\s*(token\.\d+\.token|host\.token|breaker)\s*=\s*(.*?)\s*$/.exec(line);
        const stanza = /^\[(.*)\]\s*$/.exec(line);
        if (setting) {
          const [, key, value] = setting;
          const flags = key === 'breaker' ? 'gm' : key === 'host.token' ? 'g' : 'gd';
          expect(() => compilePythonRegex(value, flags)).not.toThrow();
          n++;
        } else if (stanza) {
          expect(() => compileFullMatch(stanza[1])).not.toThrow();
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(100);
  });
});
