import { PermanentError } from '../../../../lib/plugins/api';
import { eventObjects, hecTime, metricObjects, pack, rawPayloads } from '../../../../lib/plugins/output/net/internal/hec-format';
import { makeEvents } from './support';

describe('HEC event encoding', () => {
  test('one JSON object per event, keys in the original order, values escaped by JSON.stringify', () => {
    const raw = 'say "hi"\\path\ttab\nnext line ünï 😀';
    const [obj] = eventObjects([{ raw, time: 1732737600.123, index: 'main', host: 'h"1', source: '/var/log/x', sourcetype: 'st' }]);
    expect(obj).toBe(`{"time":1732737600.123,"host":"h\\"1","source":"/var/log/x","sourcetype":"st","index":"main","event":${JSON.stringify(raw)}}`);
    expect(JSON.parse(obj)).toEqual({ time: 1732737600.123, host: 'h"1', source: '/var/log/x', sourcetype: 'st', index: 'main', event: raw });
  });

  test('empty metadata is left out so the token defaults apply; an unusable time is left out', () => {
    const [a, b] = eventObjects([
      { raw: 'x', time: NaN, index: '', host: '', source: '', sourcetype: '' },
      { raw: 'y', time: 5, index: '', host: 'h', source: '', sourcetype: '' },
    ]);
    expect(a).toBe('{"event":"x"}');
    expect(b).toBe('{"time":5,"host":"h","event":"y"}');
  });

  test('metadata changes between events are honoured (the cache is per value)', () => {
    const evs = [...makeEvents(2, 'a'), ...makeEvents(1, 'b', { host: 'web-02', index: 'other' }), ...makeEvents(1, 'c')];
    const parsed = eventObjects(evs).map((s) => JSON.parse(s) as Record<string, unknown>);
    expect(parsed.map((p) => [p.host, p.index])).toEqual([
      ['web-01', 'main'],
      ['web-01', 'main'],
      ['web-02', 'other'],
      ['web-01', 'main'],
    ]);
  });

  test('hecTime keeps at most milliseconds', () => {
    expect(hecTime(1732737600)).toBe('1732737600');
    expect(hecTime(1732737600.1234567)).toBe('1732737600.123');
    expect(hecTime(-1)).toBeUndefined();
    expect(hecTime(Infinity)).toBeUndefined();
  });
});

describe('splitting at httpeventMaxPayloadSize', () => {
  test('bodies never exceed the limit, and nothing is lost or reordered', () => {
    const objs = eventObjects(makeEvents(200).map((e, i) => ({ ...e, raw: `event ${String(i).padStart(3, '0')}` })));
    const size = Buffer.byteLength(objs[0]);
    const payloads = pack(objs, size * 7 + 3);
    expect(payloads.every((p) => Buffer.byteLength(p.body) <= size * 7 + 3)).toBe(true);
    expect(payloads.map((p) => p.count)).toEqual([...Array(28).fill(7), 4]);
    expect(payloads.map((p) => p.body).join('')).toBe(objs.join(''));
  });

  test('a body exactly at the limit is not split', () => {
    const objs = ['{"event":"aa"}', '{"event":"bb"}'];
    expect(pack(objs, 28)).toHaveLength(1);
    expect(pack(objs, 27)).toHaveLength(2);
  });

  test('bytes, not characters, are counted', () => {
    const objs = ['é'.repeat(10), 'é'.repeat(10)];
    expect(pack(objs, 30)).toHaveLength(2);
    expect(pack(objs, 40)).toHaveLength(1);
  });

  test('an event larger than the limit goes alone, in its place', () => {
    const objs = ['a', 'b'.repeat(100), 'c', 'd'];
    expect(pack(objs, 10).map((p) => p.body)).toEqual(['a', 'b'.repeat(100), 'cd']);
  });
});

describe('raw endpoint payloads', () => {
  test('grouped by metadata in order of first appearance, one line per event, metadata in the query', () => {
    const evs = [...makeEvents(2, 'a', {}, ''), ...makeEvents(1, 'b', { host: 'web 2&x', sourcetype: 'access_combined' }, ''), ...makeEvents(1, 'c', {}, '')];
    const ps = rawPayloads(evs, 1000);
    expect(ps).toHaveLength(2);
    expect(ps[0]).toEqual({ body: 'a-0\na-1\nc-0\n', count: 3, query: 'index=main&host=web-01&source=eventgen.log&sourcetype=eventgen' });
    expect(new URLSearchParams(ps[1].query).get('host')).toBe('web 2&x');
    expect(ps[1].body).toBe('b-0\n');
  });
});

describe('metric events', () => {
  test('fields come from _raw, event is "metric", metadata and time as for events', () => {
    const raw = JSON.stringify({ fields: { 'metric_name:cpu.idle': 97.5, region: 'eu', tags: ['a', 'b'] }, ignored: 1 });
    const [m] = metricObjects([{ raw, time: 10.5, index: 'metrics', host: 'h', source: 's', sourcetype: 'st' }], 'metric_httpevent [x]');
    expect(m).toBe('{"time":10.5,"host":"h","source":"s","sourcetype":"st","index":"metrics","event":"metric","fields":{"metric_name:cpu.idle":97.5,"region":"eu","tags":["a","b"]}}');
  });

  test.each([
    ['not json', 'it is not JSON'],
    ['{"value": 1}', 'no "fields" object'],
    ['{"fields": [1]}', 'no "fields" object'],
    ['null', 'no "fields" object'],
  ])('%s → PermanentError naming the event', (raw, why) => {
    const evs = [{ raw: '{"fields":{"m":1}}', time: 1, index: 'm', host: 'h', source: 's', sourcetype: 'st' }, { raw, time: 1, index: 'm', host: 'h', source: 's', sourcetype: 'st' }];
    let err: unknown;
    try {
      metricObjects(evs, 'metric_httpevent [cpu]');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toContain('metric_httpevent [cpu]: event 2 of the batch cannot be sent as a metric');
    expect((err as Error).message).toContain(why);
  });
});
