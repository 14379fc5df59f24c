/**
 * Plugin registration and discovery with real files in temporary app folders: the checks every
 * plugin goes through, the documented clash order, bin/ files loaded only on demand, and
 * failures reported with app and file while other plugins still load.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRegistry } from '../../../lib/plugins/builtin';
import { PluginRegistry, describeOrigin, originOf } from '../../../lib/plugins/registry';
import { appDirsUnder, discoverAppPlugins, discoverPlugins, discoverStandalonePlugins, requestedPlugins, standaloneAppDir, type AppDir } from '../../../lib/plugins/discover';
import { loadStandaloneSource } from '../../../lib/conf/sources';
import { renderSpec } from '../../../lib/conf/spec';
import type { PluginKind } from '../../../lib/plugins/api';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'eg-discover-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes a file under the temp root and returns its absolute path. */
function put(rel: string, text: string): string {
  const p = join(root, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

/** A CommonJS plugin module; `tag` ends up in the description so tests can tell copies apart. */
function pluginSource(kind: PluginKind, name: string, tag: string, extra = ''): string {
  const body: Record<PluginKind, string> = {
    generator: 'queueable: true, needsSampleFile: false, create: () => ({ generate: () => [] })',
    rater: 'create: () => ({ rate: (n) => n })',
    output: 'batchSize: 10, create: () => ({ send() {} })',
  };
  return `module.exports = { kind: '${kind}', name: '${name}', apiVersion: 1, description: '${tag}', ${body[kind]} ${extra} };\n`;
}

function wanted(spec: Partial<Record<PluginKind, string[]>> = {}): Record<PluginKind, Set<string>> {
  return { generator: new Set(spec.generator ?? []), rater: new Set(spec.rater ?? []), output: new Set(spec.output ?? []) };
}

function app(name: string): AppDir {
  return { app: name, dir: join(root, name) };
}

describe('PluginRegistry', () => {
  test('rejects malformed plugins with a message naming the rule, the app and the file', () => {
    const reg = new PluginRegistry();
    const origin = { app: 'acme', file: '/x/bin/p.js' };
    const cases: Array<[unknown, RegExp]> = [
      [42, /does not export a plugin object/],
      [{ kind: 'parser', name: 'p', apiVersion: 1, create() {} }, /kind must be "rater", "generator" or "output"/],
      [{ kind: 'rater', name: 'has space', apiVersion: 1, create() {} }, /name must be a word/],
      [{ kind: 'rater', name: 'p', apiVersion: 2, create() {} }, /apiVersion 2 is not supported \(this eventgen supports 1\)/],
      [{ kind: 'rater', name: 'p', apiVersion: 1 }, /create\(sample, ctx\) is missing/],
      [{ kind: 'generator', name: 'p', apiVersion: 1, create() {} }, /must say queueable/],
      [{ kind: 'output', name: 'p', apiVersion: 1, create() {} }, /must give batchSize/],
      [{ kind: 'rater', name: 'p', apiVersion: 1, create() {}, settings: [{ name: 's', type: 'number', doc: 'd' }] }, /type must be one of/],
    ];
    for (const [candidate, why] of cases) {
      expect(() => reg.register(candidate, origin)).toThrow(why);
      expect(() => reg.register(candidate, origin)).toThrow('plugin from app acme (/x/bin/p.js) is not valid');
    }
  });

  test('the first plugin under a name keeps it; the clash is reported with both origins', () => {
    const reg = builtinRegistry();
    const mine = { kind: 'output', name: 'stdout', apiVersion: 1, batchSize: 1, create: () => ({ send() {} }) };
    const kept = reg.register(mine, { app: 'acme', file: '/a/lib/plugins/output/stdout.js' });
    expect(kept.origin.app).toBe('builtin');
    expect(reg.clashes).toEqual([{ kind: 'output', name: 'stdout', kept: { app: 'builtin' }, ignored: { app: 'acme', file: '/a/lib/plugins/output/stdout.js' } }]);
    expect(reg.notices).toContain('output plugin "stdout" from app acme (/a/lib/plugins/output/stdout.js) is ignored: the name is already taken by builtin.');
  });

  test("a plugin's settings join the schema (with defaults for group and inherit) and the generated spec", () => {
    const reg = builtinRegistry();
    reg.register(
      { kind: 'rater', name: 'tide', apiVersion: 1, create: () => ({ rate: (n: number) => n }), settings: [{ name: 'tideHeight', type: 'float', default: 1.5, doc: 'Height of the tide.' }] },
      { app: 'sea', file: '/sea/lib/plugins/rater/tide.js' },
    );
    expect(reg.schema.get('tideHeight')).toMatchObject({ type: 'float', default: 1.5, inherit: true, group: 'rater plugin tide' });
    expect(reg.schema.coerce(reg.schema.get('tideHeight')!, '2.5')).toEqual({ ok: true, value: 2.5 });
    const spec = renderSpec(reg.schema.all());
    expect(spec).toContain('tideHeight = <number>\n* Height of the tide.\n* Default: 1.5');
    // A setting name that is already taken is reported, and the first definition kept.
    reg.register({ kind: 'rater', name: 'moon', apiVersion: 1, create: () => ({ rate: (n: number) => n }), settings: [{ name: 'count', type: 'string', doc: 'x' }] }, { app: 'sea' });
    expect(reg.notices.some((n) => /setting count of rater plugin moon is already defined by core/.test(n))).toBe(true);
    expect(reg.schema.get('count')?.type).toBe('int');
  });

  test("an app plugin's create() errors name the plugin, app and file; built-ins keep their identity", () => {
    const reg = builtinRegistry();
    const stdout = reg.get('output', 'stdout')!;
    expect(originOf(stdout.plugin)).toEqual({ app: 'builtin' });
    const r = reg.register(
      {
        kind: 'rater',
        name: 'grumpy',
        apiVersion: 1,
        create() {
          throw new Error('no rates today');
        },
      },
      { app: 'acme', file: '/acme/bin/grumpy.js' },
    );
    expect(() => (r.plugin.create as (s: unknown, c: unknown) => unknown)({}, { log: console })).toThrow('rater plugin "grumpy" from app acme (/acme/bin/grumpy.js): no rates today');
    expect(describeOrigin(r.origin)).toBe('app acme (/acme/bin/grumpy.js)');
    expect(reg.pluginFiles()).toEqual([{ file: '/acme/bin/grumpy.js', app: 'acme' }]);
  });
});

describe('discoverPlugins', () => {
  test('order: built-ins, then apps in byte order; in an app lib/plugins/<kind>/ before bin/', () => {
    put('alpha/lib/plugins/output/shared.js', pluginSource('output', 'shared', 'alpha-lib'));
    put('alpha/bin/gen.js', pluginSource('generator', 'gen', 'alpha-bin'));
    put('Zulu/lib/plugins/output/shared.js', pluginSource('output', 'shared', 'Zulu-lib'));
    put('beta/lib/plugins/generator/gen.js', pluginSource('generator', 'gen', 'beta-lib'));
    put('beta/lib/plugins/output/stdout.js', pluginSource('output', 'stdout', 'beta-stdout'));
    const reg = builtinRegistry();
    const diags = discoverPlugins(reg, [app('beta'), app('alpha'), app('Zulu')], wanted({ generator: ['gen'] }));
    expect(diags).toEqual([]);
    // "Zulu" sorts before "alpha" (upper case first, as Splunk orders app folders).
    expect(reg.get('output', 'shared')?.plugin.description).toBe('Zulu-lib');
    // alpha's bin/ comes before beta's lib/: apps first, then folders within the app.
    expect(reg.get('generator', 'gen')?.plugin.description).toBe('alpha-bin');
    expect(reg.get('output', 'stdout')?.origin.app).toBe('builtin');
    expect(reg.notices).toEqual([
      `output plugin "shared" from app alpha (${join(root, 'alpha/lib/plugins/output/shared.js')}) is ignored: the name is already taken by app Zulu (${join(root, 'Zulu/lib/plugins/output/shared.js')}).`,
      `generator plugin "gen" from app beta (${join(root, 'beta/lib/plugins/generator/gen.js')}) is ignored: the name is already taken by app alpha (${join(root, 'alpha/bin/gen.js')}).`,
      `output plugin "stdout" from app beta (${join(root, 'beta/lib/plugins/output/stdout.js')}) is ignored: the name is already taken by builtin.`,
    ]);
    // The same discovery, with the apps given in another order, gives the same result.
    const again = builtinRegistry();
    discoverPlugins(again, [app('Zulu'), app('beta'), app('alpha')], wanted({ generator: ['gen'] }));
    expect(again.notices).toEqual(reg.notices);
  });

  test('bin/ files run only when a stanza asks for their name', () => {
    put('acme/bin/setup.js', "throw new Error('bin/setup.js must never be executed by discovery');\n");
    put('acme/bin/weblog.js', pluginSource('generator', 'weblog', 'acme'));
    put('acme/lib/plugins/output/_helpers.js', "throw new Error('files starting with _ are not plugins');\n");
    put('acme/lib/plugins/output/README.md', 'not a module');
    const reg = builtinRegistry();
    expect(discoverPlugins(reg, [app('acme')], wanted())).toEqual([]);
    expect(reg.get('generator', 'weblog')).toBeUndefined();
    expect(discoverPlugins(reg, [app('acme')], wanted({ generator: ['weblog'] }))).toEqual([]);
    expect(reg.get('generator', 'weblog')?.origin).toEqual({ app: 'acme', file: join(root, 'acme/bin/weblog.js') });
  });

  test('a bin/ file shadowed by a plugin already registered is not run, but the shadowing is reported', () => {
    put('acme/bin/stdout.js', "throw new Error('not executed');\n");
    const reg = builtinRegistry();
    const diags = discoverPlugins(reg, [app('acme')], wanted({ output: ['stdout'] }));
    expect(diags).toEqual([{ severity: 'warning', file: join(root, 'acme/bin/stdout.js'), message: '[app acme] bin/stdout.js is not loaded: output "stdout" is already provided by builtin.' }]);
  });

  test('a plugin that fails to load is reported with app and file; its name explains why it is missing; others load', () => {
    put('acme/bin/explodes.js', "throw new Error('cannot find module \"left-pad\"');\n");
    put('acme/lib/plugins/rater/future.js', "module.exports = { kind: 'rater', name: 'future', apiVersion: 2, create() {} };\n");
    put('acme/lib/plugins/rater/good.js', pluginSource('rater', 'good', 'ok'));
    const reg = builtinRegistry();
    const diags = discoverPlugins(reg, [app('acme')], wanted({ generator: ['explodes'], rater: ['future', 'good'] }));
    expect(diags.map((d) => [d.severity, d.file])).toEqual([
      ['error', join(root, 'acme/lib/plugins/rater/future.js')],
      ['error', join(root, 'acme/bin/explodes.js')],
    ]);
    expect(diags[1].message).toBe('[app acme] plugin file could not be loaded: cannot find module "left-pad". Samples that use "explodes" will not run.');
    expect(reg.explainMissing('generator', 'explodes')).toBe(`generator "explodes" from app acme (${join(root, 'acme/bin/explodes.js')}) failed to load: cannot find module "left-pad"`);
    expect(reg.explainMissing('rater', 'future')).toMatch(/^plugin from app acme \(.*future\.js\) is not valid: apiVersion 2 is not supported/);
    expect(reg.get('rater', 'good')).toBeDefined();
  });

  test('a bin/<name>.js that declares another name, or a plugin in the wrong folder, is explained', () => {
    put('acme/bin/weblog.js', pluginSource('generator', 'web_log', 'typo'));
    put('acme/lib/plugins/output/ratey.js', pluginSource('rater', 'ratey', 'misplaced'));
    const reg = builtinRegistry();
    const diags = discoverPlugins(reg, [app('acme')], wanted({ generator: ['weblog'] }));
    expect(diags.map((d) => d.message)).toEqual(['[app acme] rater plugin "ratey" found where a output was expected; it is registered as a rater.']);
    expect(reg.get('rater', 'ratey')).toBeDefined();
    expect(reg.explainMissing('generator', 'weblog')).toBe('generator "weblog": app acme has bin/weblog.js, but it does not declare a generator named "weblog"');
  });

  test('Splunk mode: every app under etc/apps, names requested by all their confs', () => {
    put('apps/acme/bin/weblog.js', pluginSource('generator', 'weblog', 'acme'));
    put('apps/beta/lib/plugins/output/jsonfile.js', pluginSource('output', 'jsonfile', 'beta'));
    put('apps/zeta/default/eventgen.conf', '[demo]\ngenerator = weblog\noutputMode = jsonfile\n');
    mkdirSync(join(root, 'apps/.hidden'));
    const apps = appDirsUnder(join(root, 'apps'));
    expect(apps.map((a) => a.app).sort()).toEqual(['acme', 'beta', 'zeta']);
    const source = loadStandaloneSource(join(root, 'apps/zeta')).source;
    expect([...requestedPlugins([source]).generator]).toEqual(['weblog']);
    const reg = builtinRegistry();
    expect(discoverAppPlugins(reg, apps, [source])).toEqual([]);
    expect(reg.get('generator', 'weblog')?.origin.app).toBe('acme');
    expect(reg.get('output', 'jsonfile')?.origin.app).toBe('beta');
    expect(appDirsUnder(join(root, 'nope'))).toEqual([]);
  });

  test('standalone: the app folder of default/ or local/ confs, else the folder of the conf', () => {
    put('acme/default/eventgen.conf', '[x]\ngenerator = weblog\n');
    put('acme/bin/weblog.js', pluginSource('generator', 'weblog', 'acme'));
    put('loose/my.conf', '[x]\ngenerator = weblog\n');
    put('loose/bin/weblog.js', pluginSource('generator', 'weblog', 'loose'));
    const a = loadStandaloneSource(join(root, 'acme/default/eventgen.conf')).source;
    expect(standaloneAppDir(a)).toEqual({ app: 'acme', dir: join(root, 'acme') });
    const b = loadStandaloneSource(join(root, 'loose/my.conf')).source;
    expect(standaloneAppDir(b)).toEqual({ app: 'loose', dir: join(root, 'loose') });
    const reg = builtinRegistry();
    discoverStandalonePlugins(reg, b);
    expect(reg.get('generator', 'weblog')?.plugin.description).toBe('loose');
    // Names asked for outside the conf (the CLI's --output) can be added.
    put('loose/bin/mine.js', pluginSource('output', 'mine', 'loose'));
    discoverStandalonePlugins(reg, b, { output: ['mine'] });
    expect(reg.get('output', 'mine')).toBeDefined();
  });
});
