/**
 * The time-related generators' building blocks: reading replay times, the jinja generator's
 * template handling, windbag/counter formatting and the perdayvolume rater.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenerationJob, PluginLogger, SampleSpec, TokenSpec } from '../../../lib/plugins/api';
import { CORE_SETTINGS } from '../../../lib/conf/settings';
import { readEventTimes } from '../../../lib/plugins/generator/replay';
import jinja, { lineStatements, splitJsonObjects } from '../../../lib/plugins/generator/jinja';
import windbag, { pythonDatetime } from '../../../lib/plugins/generator/windbag';
import counter, { pythonFloat } from '../../../lib/plugins/generator/counter';
import perDayVolumeRater, { volumeFactor } from '../../../lib/plugins/rater/perdayvolume';
import { UTC, fixedZone } from '../../../lib/time/tz';
import { Random } from '../../../lib/util/random';

const defaults: Record<string, unknown> = {};
for (const d of CORE_SETTINGS) if (d.inherit) defaults[d.name] = d.default;
const log: PluginLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eventgen-gens-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function spec(settings: Record<string, unknown>, tokens: TokenSpec[] = []): SampleSpec {
  return { id: 's', stanza: 's', confDir: dir, confFile: join(dir, 'eventgen.conf'), sampleDir: dir, settings: { ...defaults, source: 's', timezone: '+0000', ...settings }, tokens };
}
function job(count: number, over: Partial<GenerationJob> = {}): GenerationJob {
  const now = Date.UTC(2024, 0, 1);
  return { sampleId: 's', seq: 0, count, earliest: now - 3000, latest: now, now, eventOffset: 0, intervalOffset: 0, intervalCount: count, ...over };
}

describe('reading replay times', () => {
  const tok = (token: string, replacement: string, type: TokenSpec['replacementType'] = 'replaytimestamp'): TokenSpec => ({ n: 0, token, replacementType: type, replacement });

  test('token formats, %s epochs (seconds or milliseconds), and a trailing offset the format lacks', () => {
    const events = [{ raw: 'at 2015-08-18 16:28:54 x' }, { raw: 'at 2015-08-18 16:28:55+0200 x' }, { raw: 'nothing' }];
    const r = readEventTimes(spec({}), events, UTC, Date.now());
    // No timestamp token: the built-in shapes apply (and honour the offset).
    expect(r.times).toEqual([Date.UTC(2015, 7, 18, 16, 28, 54), Date.UTC(2015, 7, 18, 14, 28, 55), undefined]);
    const withTok = readEventTimes(spec({}, [tok('\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:[+-]\\d{4})?', '%Y-%m-%d %H:%M:%S')]), events, UTC, Date.now());
    expect(withTok.times).toEqual([Date.UTC(2015, 7, 18, 16, 28, 54), Date.UTC(2015, 7, 18, 16, 28, 55), undefined]);
    expect(withTok.unreadable).toBe(1);
    expect(withTok.example).toBe('nothing');
    const epochs = readEventTimes(spec({}, [tok('^(\\d+)', '%s')]), [{ raw: '1439940534 a' }, { raw: '1439940534500 b' }], UTC, Date.now());
    expect(epochs.times).toEqual([1439940534000, 1439940534500]);
  });

  test('CSV: timeField column through the token, or as a whole epoch / ISO value; _time as a fallback', () => {
    const rows = [
      { raw: 'a', fields: { _time: '2015-08-18T16:28:54.695-0700', _raw: 'a' } },
      { raw: 'b', fields: { _time: '1439940534.5', _raw: 'b' } },
    ];
    const r = readEventTimes(spec({ timeField: '_time' }), rows, UTC, Date.now());
    expect(r.times).toEqual([Date.UTC(2015, 7, 18, 23, 28, 54, 695), 1439940534500]);
    // timeField = _raw that has no time: the _time column is used, as the original fell back to it.
    const fallback = readEventTimes(spec({ timeField: '_raw' }, [tok('\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}', '%Y-%m-%dT%H:%M:%S')]), rows, UTC, Date.now());
    expect(fallback.times).toEqual([Date.UTC(2015, 7, 18, 16, 28, 54), 1439940534500]);
  });

  test('autotimestamp recognises common shapes, read in the sample\'s timezone', () => {
    const events = [
      { raw: '2015-08-18 16:28:54,569 INFO x' },
      { raw: '127.0.0.1 - - [18/Aug/2015:16:28:54.564 -0700] "GET /"' },
      { raw: '09-15-2012 22:22:18.226 INFO Metrics' },
      { raw: '2015-08-18T16:28:54Z y' },
    ];
    const r = readEventTimes(spec({ autotimestamp: true }), events, fixedZone(-60), Date.now());
    expect(r.times).toEqual([Date.UTC(2015, 7, 18, 17, 28, 54, 569), Date.UTC(2015, 7, 18, 23, 28, 54, 564), Date.UTC(2012, 8, 15, 23, 22, 18, 226), Date.UTC(2015, 7, 18, 16, 28, 54)]);
  });
});

describe('jinja templates', () => {
  test('rendered text splits into JSON objects; line breaks inside strings are accepted', () => {
    const { objects, stray } = splitJsonObjects(' {"_time": "1", "_raw": "a\n  b\tc {x}"}\n<-- pass\n{"_raw":"d \\" }"}');
    expect(objects.map((o) => JSON.parse(o)._raw)).toEqual(['a\n  b\tc {x}', 'd " }']);
    expect(stray).toBe('<--pass');
  });

  test('line statements and line comments, but not inside {# … #}', () => {
    const src = '# for i in range(2):\nx{{ i }}\n## a comment\n# endfor\n{# note\n# not a statement\n#}\nend';
    expect(lineStatements(src)).toBe('{% for i in range(2) %}x{{ i }}\n\n{% endfor %}{# note\n# not a statement\n#}\nend');
  });

  function template(name: string, text: string): void {
    mkdirSync(join(dir, 'templates'), { recursive: true });
    writeFileSync(join(dir, 'templates', name), text);
  }

  test('time_now, time_slice, eventgen_* variables, do/with, Python booleans, seeded random', () => {
    template(
      't1.j2',
      [
        '{% set seen = [] %}{% do seen.append(1) %}',
        '{% for i in range(2) %}{%- time_now -%}',
        '{"_time": "{{ time_now_epoch }}", "_raw": "{{ time_now_formatted }} n={{ eventgen_count }}/{{ eventgen_maxcount }} flag={{ flag }} seen={{ seen | length }} pick={{ [1,2,3] | random }}", "host": "h{{ i }}"}',
        '{% endfor %}',
        '{% with x = 5 %}{%- time_slice earliest="1234", latest="2345", count=2, slices="5" -%}',
        '{"_time": "{{ time_target_epoch }}", "_raw": "{{ time_target_formatted }} x={{ x }}"}{% endwith %}',
      ].join('\n'),
    );
    const g = jinja.create(spec({ generator: 'jinja', jinja_target_template: 't1.j2', jinja_variables: { flag: true } }), { log });
    const a = g.generate!(job(2), { random: new Random(1), log }) as ReturnType<NonNullable<typeof g.generate>> & unknown[];
    const b = g.generate!(job(2), { random: new Random(1), log }) as unknown[];
    expect(a).toEqual(b);
    const evs = a as Array<{ raw: string; time: number; host: string }>;
    expect(evs).toHaveLength(6);
    expect(evs[0].raw).toMatch(/^2024-01-01T00:00:00 n=0\/2 flag=True seen=1 pick=[123]$/);
    expect(evs[0].time).toBe(Date.UTC(2024, 0, 1) / 1000);
    expect(evs[1].host).toBe('h1');
    expect(evs[2].raw).toBe('1970-01-01T00:27:58 x=5');
    expect(evs[2].time).toBeCloseTo(1678.4, 6);
    expect(evs[3].raw).toMatch(/n=1\/2/);
  });

  test('count types: line_count cuts the last render; perDayVolume counts bytes', () => {
    template('t2.j2', '{% for i in range(3) %}{"_time": 1, "_raw": "0123456789"}\n{% endfor %}');
    const lines = jinja.create(spec({ jinja_target_template: 't2.j2', jinja_count_type: 'line_count' }), { log });
    expect((lines.generate!(job(7), { random: new Random(1), log }) as unknown[]).length).toBe(7);
    const volume = jinja.create(spec({ jinja_target_template: 't2.j2', jinja_count_type: 'perDayVolume' }), { log });
    expect((volume.generate!(job(50), { random: new Random(1), log }) as unknown[]).length).toBe(5);
  });

  test('clear errors: missing folder, missing template, syntax error, bad variables', () => {
    template('bad.j2', '{% for x in range(3) %}{"_raw": "{{ x }"}{% endfor %}');
    const make = (s: Record<string, unknown>) => () => jinja.create(spec(s), { log });
    expect(make({ jinja_template_dir: 'nope', jinja_target_template: 'x.j2' })).toThrow(/jinja_template_dir = "nope": the folder .*nope does not exist/);
    expect(make({ jinja_target_template: 'missing.j2' })).toThrow(/jinja_target_template = "missing.j2": there is no such template/);
    expect(make({})).toThrow(/jinja_target_template is not set/);
    expect(make({ jinja_target_template: 'bad.j2' })).toThrow(/jinja template .*bad\.j2: .*Line 1/);
    expect(make({ jinja_target_template: 't2.j2', jinja_variables: [1] })).toThrow(/jinja_variables must be a JSON object/);
  });
});

describe('windbag and counter', () => {
  test('Python str(datetime) with microseconds only when there are some', () => {
    expect(pythonDatetime(Date.UTC(2024, 0, 1, 1, 2, 3), UTC)).toBe('2024-01-01 01:02:03');
    expect(pythonDatetime(Date.UTC(2024, 0, 1, 1, 2, 3, 250), UTC)).toBe('2024-01-01 01:02:03.250000');
    expect(pythonFloat(1)).toBe('1.0');
    expect(pythonFloat(0.1 + 0.2)).toBe('0.3');
    expect(pythonFloat(-2.5)).toBe('-2.5');
  });

  test('windbag spreads n events over the window, count -1 meaning 60', () => {
    const g = windbag.create(spec({ generator: 'windbag' }), { log });
    const evs = g.generate!(job(3), { random: new Random(1), log }) as Array<{ raw: string }>;
    expect(evs.map((e) => e.raw)).toEqual(['2023-12-31 23:59:58 -0700 WINDBAG Event 1 of 3', '2023-12-31 23:59:59 -0700 WINDBAG Event 2 of 3', '2024-01-01 00:00:00 -0700 WINDBAG Event 3 of 3']);
    expect(g.sampleSize).toBe(60);
  });

  test('counter: count steps, or cycles from start_count to end_count', () => {
    const values = (s: Record<string, unknown>, count: number) =>
      (counter.create(spec({ count_template: '{loop_count}/{max_loop} {current_count}', ...s }), { log }).generate!(job(count), { random: new Random(1), log }) as Array<{ raw: string }>).map((e) => e.raw);
    expect(values({}, 3)).toEqual(['1/1 1.0', '1/1 2.0', '1/1 3.0']);
    expect(values({ end_count: 2 }, 2)).toEqual(['1/2 1.0', '1/2 2.0', '2/2 1.0', '2/2 2.0']);
    expect(values({ start_count: 3, end_count: 0, count_by: -1 }, 1)).toEqual(['1/1 2.0', '1/1 1.0', '1/1 0.0']);
    expect(() => counter.create(spec({ start_count: 0, end_count: 5, count_by: -1 }), { log })).toThrow(/counts away/);
  });
});

describe('perdayvolume rater', () => {
  test('bytes per interval, fractions carried, day shape normalised to the volume', () => {
    const hours: Record<string, number> = {};
    for (let h = 0; h < 24; h++) hours[String(h)] = h === 12 ? 12.5 : 0.5; // mean 1.0
    const s = spec({ perDayVolume: 1, interval: 60, hourOfDayRate: hours });
    const f = volumeFactor(s);
    expect(f(Date.UTC(2024, 0, 1, 12, 30), new Random(1))).toBeCloseTo(12.5, 9);
    const doubled = volumeFactor(spec({ hourOfDayRate: Object.fromEntries(Object.entries(hours).map(([k, v]) => [k, v * 2])) }));
    expect(doubled(Date.UTC(2024, 0, 1, 3), new Random(1))).toBeCloseTo(0.5, 9);
    const r = perDayVolumeRater.create(spec({ perDayVolume: 1, interval: 60 }), { log });
    let total = 0;
    for (let i = 0; i < 1440; i++) total += r.rate(1, Date.UTC(2024, 0, 1) + i * 60000, new Random(1));
    expect(total).toBe(1024 ** 3);
  });
});
