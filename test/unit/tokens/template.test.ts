import { compilePythonRegex, translatePythonRegex } from '../../../lib/tokens/pyregex';
import { compiledToken, compileTemplate, compileTokenRegex, render, type CompiledToken } from '../../../lib/tokens/template';
import type { EventContext } from '../../../lib/tokens/replacers';
import { Random } from '../../../lib/util/random';
import { UTC } from '../../../lib/time/tz';

function tok(token: string, value: (c: EventContext) => string, n = 0): CompiledToken {
  return compiledToken({ n, token, replacementType: 'static', replacement: '' }, compileTokenRegex(token), value);
}
const ctx: EventContext = { pivotMs: 0, latestMs: 0, eventIndex: 0, serial: 1, random: new Random(1), tz: UTC };

describe('Python regex dialect', () => {
  test('named groups, backreferences, inline flags, \\A and \\Z', () => {
    expect(translatePythonRegex('(?P<x>a)(?P=x)')).toEqual({ source: '(?<x>a)\\k<x>', flags: '' });
    expect(compilePythonRegex('(?i)abc').test('ABC')).toBe(true);
    expect(compilePythonRegex('\\Aab\\Z').test('ab')).toBe(true);
    expect(compilePythonRegex('\\Aab\\Z').test('ab\n')).toBe(false);
    expect(compilePythonRegex('[\\]a]+').exec('x]a]')![0]).toBe(']a]');
  });
});

describe('compiled templates', () => {
  test('split once into literals and slots; the group is replaced, not the whole match', () => {
    const t = compileTemplate('id="123" other="9"', [tok('id="(\\d+)"', () => 'X')]);
    expect(t.pieces).toEqual(['id="', '" other="9"']);
    expect(render(t, [tok('id="(\\d+)"', () => 'X')], ctx, [''])).toBe('id="X" other="9"');
  });

  test('all matches of one token get the one value computed for the event', () => {
    let calls = 0;
    const tokens = [tok('@@n', () => String(++calls))];
    const t = compileTemplate('@@n and @@n', tokens);
    expect(render(t, tokens, ctx, [''])).toBe('1 and 1');
    expect(render(t, tokens, ctx, [''])).toBe('2 and 2');
  });

  test('later tokens see the event as earlier tokens left it (anchors still work)', () => {
    const tokens = [tok('^\\d+', () => 'T'), tok('^T', () => 'never'), tok('b$', () => 'B')];
    const t = compileTemplate('123 ab', tokens);
    expect(render(t, tokens, ctx, ['', '', ''])).toBe('T aB');
  });

  test('a token whose match covers an earlier replacement falls back to run-time replacement', () => {
    const tokens = [tok('abc', () => 'xyz'), tok('\\S+', () => 'Q')];
    const t = compileTemplate('abc def', tokens);
    expect(t.dynamic).toBe('abc def');
    // As the original: the second token runs on the first one's output.
    expect(render(t, tokens, ctx, ['', ''])).toBe('Q Q');
  });

  test('an empty capture group is an insertion point', () => {
    const tokens = [tok('"id":"(\\d*)"', () => '7')];
    expect(render(compileTemplate('{"id":""}', tokens), tokens, ctx, [''])).toBe('{"id":"7"}');
  });
});
