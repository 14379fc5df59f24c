import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileReplacer, nextSerial, TokenError, type EventContext } from '../../../lib/tokens/replacers';
import type { SampleSpec, TokenSpec } from '../../../lib/plugins/api';
import { Random } from '../../../lib/util/random';
import { UTC } from '../../../lib/time/tz';
import { tempDir } from '../../helpers/cli';

const dir = tempDir();
afterAll(() => dir.cleanup());
mkdirSync(join(dir.dir, 'samples'));
writeFileSync(join(dir.dir, 'samples', 'cities.csv'), 'FR,Paris,75\nUS,Austin,78\r\nJP,Tokyo,13\n');
const sample: SampleSpec = { id: 's', stanza: 's', confDir: dir.dir, confFile: join(dir.dir, 'eventgen.conf'), sampleDir: join(dir.dir, 'samples'), settings: { timezone: '+0000', hourOfDayRate: { '0': 2 }, dayOfWeekRate: { '4': 3 } }, tokens: [] };

function r(type: TokenSpec['replacementType'], replacement: string) {
  return compileReplacer({ n: 0, token: 'x', replacementType: type, replacement }, sample);
}
function ctx(over: Partial<EventContext> = {}): EventContext {
  return { pivotMs: Date.UTC(2026, 0, 1, 0, 0, 5), latestMs: Date.UTC(2026, 0, 1, 0, 0, 9), eventIndex: 0, serial: nextSerial(), random: new Random(5), tz: UTC, ...over };
}

describe('replacement types', () => {
  test('random forms have the documented shapes', () => {
    const c = ctx();
    for (let i = 0; i < 200; i++) {
      const n = Number(r('random', 'integer[-5:5]')(c));
      expect(Number.isInteger(n) && n >= -5 && n <= 5).toBe(true);
      expect(r('random', 'float[1.50:2.5]')(c)).toMatch(/^[12]\.\d\d$/);
      expect(r('random', 'ipv6')(c)).toMatch(/^[0-9a-f]{1,4}(:[0-9a-f]{1,4}){7}$/);
      expect(r('random', 'MAC')(c)).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      expect(r('random', 'guid')(c)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r('random', 'string(12)')(c)).toMatch(/^[A-Za-z0-9_.~/-]{12}$/);
      expect(r('random', 'hex(6)')(c)).toMatch(/^[0-9A-F]{6}$/);
      expect(['a', 'b,c']).toContain(r('random', 'list["a","b,c"]')(c));
    }
    expect(r('random', 'string(0)')(c)).toBe('');
  });

  test('bad random forms fail at compile time with what is wrong', () => {
    expect(() => r('random', 'integer[5:1]')).toThrow(new TokenError('integer[5:1]: the lower bound 5 is greater than the upper bound 1'));
    expect(() => r('random', 'list[nope]')).toThrow(/not valid JSON/);
    expect(() => r('random', 'bogus')).toThrow(/unknown random replacement "bogus"/);
  });

  test('timestamp formats the event time; replaytimestamp the window end; %s is the full epoch', () => {
    expect(r('timestamp', '%Y-%m-%dT%H:%M:%S')(ctx())).toBe('2026-01-01T00:00:05');
    expect(r('replaytimestamp', '%H:%M:%S')(ctx())).toBe('00:00:09');
    expect(r('timestamp', '%s')(ctx({ pivotMs: 1700000000000 }))).toBe('1700000000');
  });

  test('rated multiplies by the hour and weekday rates, also for integers', () => {
    // 2026-01-01 is a Thursday (4); hour 0: factor 2 × 3 = 6.
    const v = Number(r('rated', 'integer[10:10]')(ctx()));
    expect(v).toBe(60);
    expect(r('rated', 'float[1.0:1.0]')(ctx())).toBe('6.0');
  });

  test('file columns of one event share a row; seqfile walks the lines; integerid counts', () => {
    const country = r('mvfile', 'cities.csv:1');
    const city = r('file', 'cities.csv:2');
    const pairs = new Set(['FR Paris', 'US Austin', 'JP Tokyo']);
    for (let i = 0; i < 50; i++) {
      const c = ctx({ random: new Random(i) });
      expect(pairs.has(`${country(c)} ${city(c)}`)).toBe(true);
    }
    // Whole-line file tokens draw independently (two tokens on one list differ).
    const a = r('file', 'cities.csv');
    const b = r('file', 'cities.csv');
    const c0 = ctx({ random: new Random(11) });
    const draws = Array.from({ length: 30 }, () => [a(c0), b(c0)]);
    expect(draws.some(([x, y]) => x !== y)).toBe(true);
    const seq = r('seqfile', 'cities.csv:2');
    expect([0, 1, 2, 3].map((i) => seq(ctx({ eventIndex: i })))).toEqual(['Paris', 'Austin', 'Tokyo', 'Paris']);
    expect(r('integerid', '100')(ctx({ eventIndex: 5 }))).toBe('105');
    expect(r('static', 'a;b#c')(ctx())).toBe('a;b#c');
  });

  test('a missing file says where it looked', () => {
    expect(() => r('file', 'nope.txt')).toThrow(/file "nope.txt" not found \(looked at .*nope\.txt/);
  });
});
