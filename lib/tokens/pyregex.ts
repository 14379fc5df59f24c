/**
 * eventgen.conf regexes are Python `re` patterns. JavaScript's dialect is close enough that
 * a handful of rewrites cover what real configs use: named groups `(?P<n>…)`, backreferences
 * `(?P=n)`, leading inline flags `(?i)`, `\A`/`\Z` anchors and `(?#…)` comments. Patterns are
 * compiled without the `u` flag so that Python's lenient escapes (`\-`, a bare `{`) still parse.
 */
export class RegexError extends Error {}

export function translatePythonRegex(src: string): { source: string; flags: string } {
  let flags = '';
  let s = src;
  // Leading global inline flags, e.g. (?i) or (?ims).
  const lead = /^\(\?([aiLmsux]+)\)/.exec(s);
  if (lead) {
    for (const f of lead[1]) {
      if (f === 'i' || f === 'm' || f === 's') flags += flags.includes(f) ? '' : f;
      else if (f === 'x') throw new RegexError('verbose mode (?x) is not supported');
      // a, L, u only change Unicode/locale matching details; JS matches Unicode already.
    }
    s = s.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      const n = s[i + 1];
      if (n === undefined) throw new RegexError('pattern ends with a lone backslash');
      if (!inClass && n === 'A') out += '^';
      else if (!inClass && n === 'Z') out += '$(?![\\s\\S])';
      else out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal in both dialects.
      if (s[i + 1] === '^') out += s[++i];
      if (s[i + 1] === ']') out += '\\' + s[++i];
      continue;
    }
    if (c === '(' && s[i + 1] === '?') {
      if (s.startsWith('(?P<', i)) {
        out += '(?<';
        i += 3;
        continue;
      }
      const back = /^\(\?P=(\w+)\)/.exec(s.slice(i));
      if (back) {
        out += `\\k<${back[1]}>`;
        i += back[0].length - 1;
        continue;
      }
      if (s[i + 2] === '#') {
        const end = s.indexOf(')', i);
        if (end < 0) throw new RegexError('unterminated (?# comment');
        i = end;
        continue;
      }
    }
    out += c;
  }
  return { source: out, flags };
}

/** Compiles a Python-dialect pattern; throws RegexError with the engine's message on failure. */
export function compilePythonRegex(src: string, extraFlags = ''): RegExp {
  const { source, flags } = translatePythonRegex(src);
  try {
    return new RegExp(source, mergeFlags(flags, extraFlags));
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
  try {
    return new RegExp(`^(?:${source})$`, flags);
  } catch (e) {
    throw new RegexError((e as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}
