import { layerConf, parseConf } from '../../../lib/conf/parser';

describe('Splunk .conf rules', () => {
  test('comments only at line start; ; # = and quotes are data in values', () => {
    const { conf, diagnostics } = parseConf(
      ['# comment', '  # indented comment', '[s]', 'a = x ; not a comment', 'b = "q" # kept', 'c = k=v=w', 'd =', '[x]'].join('\n'),
      'f.conf',
    );
    expect(diagnostics).toEqual([]);
    const s = conf.stanzas.get('s')!.settings;
    expect(s.get('a')!.value).toBe('x ; not a comment');
    expect(s.get('b')!.value).toBe('"q" # kept');
    expect(s.get('c')!.value).toBe('k=v=w');
    expect(s.get('d')!.value).toBe('');
    expect(conf.stanzas.has('x')).toBe(true);
  });

  test('stanza names keep dots and regex characters, including brackets', () => {
    const { conf } = parseConf('[sample.tutorial1]\na=1\n[sample\\d]\nb=2\n[[a-z]+\\.log]\nc=3\n[^(foo|bar)$]\nd=4\n', 'f');
    expect([...conf.stanzas.keys()]).toEqual(['sample.tutorial1', 'sample\\d', '[a-z]+\\.log', '^(foo|bar)$']);
  });

  test('backslash continuation, last value wins, keys are case-sensitive', () => {
    const { conf } = parseConf('[s]\nlist = a,\\\nb,\\\nc\nKey = 1\nkey = 2\nkey = 3\n', 'f');
    const s = conf.stanzas.get('s')!.settings;
    expect(s.get('list')!.value).toBe('a,\nb,\nc');
    expect(s.get('key')!.value).toBe('3');
    expect(s.get('Key')!.value).toBe('1');
    expect(s.get('key')!.origin.line).toBe(7);
  });

  test('a comment never continues; an even number of trailing backslashes is literal', () => {
    const { conf } = parseConf('[s]\n# old path C:\\temp\\\noutputMode = stdout\ntok = l(\\d)\\\\\nnext = 1\n', 'f');
    const s = conf.stanzas.get('s')!.settings;
    expect(s.get('outputMode')!.value).toBe('stdout');
    expect(s.get('tok')!.value).toBe('l(\\d)\\\\');
    expect(s.get('next')!.value).toBe('1');
  });

  test('settings before any stanza go to [default]; CRLF and BOM are handled', () => {
    const { conf } = parseConf('\ufeffa = 1\r\n[s]\r\nb = 2\r\n', 'f');
    expect(conf.stanzas.get('default')!.settings.get('a')!.value).toBe('1');
    expect(conf.stanzas.get('s')!.settings.get('b')!.value).toBe('2');
  });

  test('malformed lines are reported with file and line and skipped', () => {
    const { conf, diagnostics } = parseConf('[s]\njunk\n= nokey\n[broken\nx = 1\n[t]\ny = 2\n', 'f.conf');
    expect(diagnostics.map((d) => [d.line, d.severity])).toEqual([
      [2, 'error'],
      [3, 'error'],
      [4, 'error'],
    ]);
    expect(conf.stanzas.get('t')!.settings.get('y')!.value).toBe('2');
    expect([...conf.stanzas.keys()]).toEqual(['s', 't']);
  });

  test('layering: local over default, key by key', () => {
    const d = parseConf('[s]\na = 1\nb = 1\n', 'default').conf;
    const l = parseConf('[s]\nb = 2\n[t]\nc = 3\n', 'local').conf;
    const m = layerConf([d, l]);
    expect(m.stanzas.get('s')!.settings.get('a')!.value).toBe('1');
    expect(m.stanzas.get('s')!.settings.get('b')!.value).toBe('2');
    expect(m.stanzas.get('t')!.settings.get('c')!.value).toBe('3');
  });
});
