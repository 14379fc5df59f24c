import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConf } from '../../../lib/conf/parser';
import { clearSampleListingCache, resolveSamples } from '../../../lib/conf/resolve';
import { builtinRegistry } from '../../../lib/plugins/builtin';
import { tempDir } from '../../helpers/cli';

function resolveText(text: string, files: string[], overrides?: Record<string, string>, fileless: string[] = []) {
  const t = tempDir();
  mkdirSync(join(t.dir, 'samples'));
  for (const f of files) writeFileSync(join(t.dir, 'samples', f), 'line\n');
  clearSampleListingCache();
  const reg = builtinRegistry();
  const confFile = join(t.dir, 'eventgen.conf');
  const r = resolveSamples([{ conf: parseConf(text, confFile).conf, confDir: t.dir, confFile, defaultSampleDir: join(t.dir, 'samples') }], {
    schema: reg.schema,
    generatorNeedsFile: (n) => !fileless.includes(n) && (reg.get('generator', n)?.plugin.needsSampleFile ?? true),
    overrides,
  });
  t.cleanup();
  return r;
}

describe('stanza resolution', () => {
  test('interval below 0 runs as 0 with a warning naming the line, as the original tolerated it', () => {
    const r = resolveText('[a\\.log]\ninterval = -1\n', ['a.log']);
    expect(r.samples[0].settings.interval).toBe(0);
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', line: 2, stanza: 'a\\.log', setting: 'interval', value: '-1', message: 'interval is below 0: treated as 0 (no pause between runs), as the original ran it.' })]);
    // Other settings with a lower bound still reject what is below it.
    const bad = resolveText('[a\\.log]\ndelay = -1\n', ['a.log']);
    expect(bad.samples).toHaveLength(0);
    expect(bad.diagnostics[0]).toMatchObject({ severity: 'error', setting: 'delay', message: 'delay must be at least 0. This stanza is skipped.' });
  });

  test('[global] gives defaults, typed by the schema; schema defaults fill the rest', () => {
    const r = resolveText('[global]\ncount = 7\nend = 3\n[a\\.log]\ninterval = 5\n', ['a.log']);
    const s = r.samples[0].settings;
    expect(s.count).toBe(7);
    expect(s.end).toBe('3');
    expect(s.interval).toBe(5);
    expect(s.sourcetype).toBe('eventgen');
    expect(s.source).toBe('a.log');
  });

  test('[global] sampleDir applies to every stanza, resolved against the conf file', () => {
    const t = tempDir();
    mkdirSync(join(t.dir, 'other'));
    writeFileSync(join(t.dir, 'other', 'g.sample'), 'x\n');
    clearSampleListingCache();
    const reg = builtinRegistry();
    const confFile = join(t.dir, 'eventgen.conf');
    const r = resolveSamples([{ conf: parseConf('[global]\nsampleDir = other\n[g\\.sample]\n', confFile).conf, confDir: t.dir, confFile, defaultSampleDir: join(t.dir, 'samples') }], {
      schema: reg.schema,
      generatorNeedsFile: () => true,
    });
    t.cleanup();
    expect(r.diagnostics).toEqual([]);
    expect(r.samples[0].file).toBe(join(t.dir, 'other', 'g.sample'));
  });

  test('tokens reach a sample once, however many stanzas bring them', () => {
    const text = ['[a.*b]', 'token.0.token = @@x', 'token.0.replacementType = static', 'token.0.replacement = X',
      '[a.b]', 'token.0.token = @@y', 'token.0.replacementType = static', 'token.0.replacement = Y'].join('\n');
    const r = resolveText(text, ['axb']);
    expect(r.samples).toHaveLength(1);
    // [a.*b] is the longer pattern, so it wins; [a.b] adds its own token once, not [a.*b]'s again.
    expect(r.samples[0].tokens.map((t) => t.token)).toEqual(['@@x', '@@y']);
  });

  test('a stanza name is a regex that must match the whole file name', () => {
    const r = resolveText('[sample\\d]\n', ['sample1', 'sample2', 'sample10', 'sample', 'xsample1']);
    expect(r.samples.map((s) => s.file!.split('/').pop()).sort()).toEqual(['sample1', 'sample2']);
  });

  test('[default] merges into every stanza; a regex stanza lends unset settings and appends tokens', () => {
    const text = ['[default]', 'host = d', '[.*]', 'sourcetype = lent', 'index = lent', 'token.0.token = B', 'token.0.replacementType = static', 'token.0.replacement = b',
      '[a\\.log]', 'index = own', 'token.0.token = A', 'token.0.replacementType = static', 'token.0.replacement = a'].join('\n');
    const r = resolveText(text, ['a.log']);
    const a = r.samples.find((s) => s.stanza === 'a\\.log')!;
    expect(a.settings.host).toBe('d');
    expect(a.settings.index).toBe('own');
    expect(a.settings.sourcetype).toBe('lent');
    expect(a.tokens.map((t) => t.token)).toEqual(['A', 'B']);
  });

  test('several stanzas on one file: the exact name wins, the others fill what it leaves unset', () => {
    const r = resolveText('[a.*]\ncount = 9\nhost = wide\n[a\\.log]\ncount = 1\n', ['a.log']);
    const forA = r.samples.filter((s) => s.file?.endsWith('a.log'));
    expect(forA).toHaveLength(1);
    expect(forA[0].settings.count).toBe(1);
    expect(forA[0].settings.host).toBe('wide');
  });

  test('generators that need no file run without one; disabled stanzas are dropped', () => {
    const r = resolveText('[nofile]\ngenerator = mine\n[off\\.log]\ndisabled = true\n', ['off.log'], undefined, ['mine']);
    expect(r.samples.map((s) => s.stanza)).toEqual(['nofile']);
  });

  test('engine settings come from [global] only; overrides apply to every stanza', () => {
    const r = resolveText('[global]\ngeneratorWorkers = 3\n[a\\.log]\ngeneratorWorkers = 9\n', ['a.log'], { count: '2' });
    expect(r.engine.generatorWorkers).toBe(3);
    expect(r.samples[0].settings.count).toBe(2);
    expect(r.diagnostics.some((d) => d.setting === 'generatorWorkers' && d.severity === 'warning')).toBe(true);
  });

  test('incomplete tokens and unknown replacement types are errors for that stanza only', () => {
    const r = resolveText('[a\\.log]\ntoken.0.token = x\n[b\\.log]\ntoken.0.token = x\ntoken.0.replacementType = magic\ntoken.0.replacement = y\n[c\\.log]\n', ['a.log', 'b.log', 'c.log']);
    expect(r.samples.map((s) => s.stanza)).toEqual(['c\\.log']);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.stanza).sort()).toEqual(['a\\.log', 'b\\.log']);
  });

  test('perDayVolume and mode = replay switch generator and rater as the original did', () => {
    const r = resolveText('[a\\.log]\nperDayVolume = 1\n[b\\.log]\nmode = replay\n', ['a.log', 'b.log']);
    const a = r.samples.find((s) => s.stanza === 'a\\.log')!.settings;
    expect([a.generator, a.rater, a.count]).toEqual(['perdayvolumegenerator', 'perdayvolume', 1]);
    expect(r.samples.find((s) => s.stanza === 'b\\.log')!.settings.generator).toBe('replay');
  });
});
