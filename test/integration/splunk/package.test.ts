/**
 * The Splunk app package (`npm run package` → eventgen-<version>.spl): built by
 * scripts/package-app.js into a temporary folder, checked against the packaging rules, then
 * unpacked into a temporary $SPLUNK_HOME/etc/apps and run from there, away from the repository's
 * node_modules: the modular input as splunkd runs it, and the CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEventStream, runModularInput, scheme, startSplunkdRest, type SplunkdRestHandle } from '../../stand-ins/splunkd';
import { FAST_ENV, FIXTURE_APPS, KEY, REPO, byIndex, inputXml, logText, stopTimed, waitFor, type SplunkHome } from './support';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

interface TarEntry {
  mode: string;
  name: string;
  size: number;
}

let work: string;
let spl: string;
let entries: TarEntry[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'eventgen-package-'));
  const out = execFileSync(process.execPath, [join(REPO, 'scripts', 'package-app.js'), '--out', join(work, 'dist')], { encoding: 'utf8' });
  spl = out.trim().split('\n').pop()!;
  // GNU tar's verbose listing: "-rwxr-xr-x 0/0   766 2026-11-27 21:43 eventgen/bin/eventgen"
  entries = execFileSync('tar', ['-tzvf', spl], { encoding: 'utf8' }).trim().split('\n').map((line) => {
    const m = /^(\S+)\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.+)$/.exec(line);
    if (!m) throw new Error(`unexpected tar listing line: ${line}`);
    return { mode: m[1], size: Number(m[2]), name: m[3] };
  });
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the .spl', () => {
  test(`is dist/eventgen-${VERSION}.spl, a gzip'd tar`, () => {
    expect(spl).toBe(join(work, 'dist', `eventgen-${VERSION}.spl`));
    expect([...readFileSync(spl).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
  });

  test('one top folder eventgen/, no "./" paths, no dot files, no node_modules, no local/', () => {
    for (const e of entries) {
      expect(e.name).toMatch(/^eventgen(\/|$)/);
      const parts = e.name.split('/').filter(Boolean);
      expect(parts.filter((p) => p.startsWith('.'))).toEqual([]);
      expect(parts).not.toContain('node_modules');
      expect(parts[1]).not.toBe('local');
      expect(e.name).not.toMatch(/local\.meta$/);
    }
  });

  test('execute bits only on bin/eventgen and bin/eventgen.sh; nothing group/world writable', () => {
    const executables = entries.filter((e) => e.mode.startsWith('-') && /x/.test(e.mode)).map((e) => e.name).sort();
    expect(executables).toEqual(['eventgen/bin/eventgen', 'eventgen/bin/eventgen.sh']);
    for (const e of entries) {
      expect(e.mode).toMatch(e.mode.startsWith('d') ? /^drwxr-xr-x$/ : /^-rw[-x]r-[-x]r-[-x]$/);
    }
  });

  test('holds the app: configuration, specs, metadata, manifest, icons, bundles and the worker', () => {
    const names = new Set(entries.map((e) => e.name));
    for (const f of [
      'app.manifest', 'README.md', 'THIRD-PARTY-NOTICES.txt',
      'default/app.conf', 'default/inputs.conf', 'default/props.conf', 'default/eventgen.conf', 'default/server.conf',
      'default/data/ui/nav/default.xml', 'default/data/ui/views/eventgen_overview.xml',
      'README/inputs.conf.spec', 'README/eventgen.conf.spec', 'metadata/default.meta',
      'appserver/static/appIcon.png', 'appserver/static/appIcon_2x.png', 'appserver/static/appIconAlt.png', 'appserver/static/appIconAlt_2x.png',
      'bin/eventgen', 'bin/eventgen.sh', 'bin/eventgen-cli.js', 'bin/eventgen-input.js', 'bin/worker.js',
    ]) {
      expect(names).toContain(`eventgen/${f}`);
    }
    // No sources, tests, builds or tooling.
    expect([...names].filter((n) => /\/(lib|test|build|scripts|bench|dist)\/|\.ts$|package(-lock)?\.json$/.test(n))).toEqual([]);
  });

  test('the README spec is the one `npm run spec` generates from the schema', () => {
    const packaged = execFileSync('tar', ['-xzOf', spl, 'eventgen/README/eventgen.conf.spec'], { encoding: 'utf8' });
    expect(packaged).toBe(readFileSync(join(REPO, 'README', 'eventgen.conf.spec'), 'utf8'));
  });

  test('versions agree: package.json, app.conf [launcher] and [id], app.manifest', () => {
    const appConf = execFileSync('tar', ['-xzOf', spl, 'eventgen/default/app.conf'], { encoding: 'utf8' });
    expect(appConf).toMatch(new RegExp(`^\\[launcher\\][^[]*^version = ${VERSION.replace(/\./g, '\\.')}$`, 'm'));
    expect(appConf).toMatch(new RegExp(`^\\[id\\][^[]*^version = ${VERSION.replace(/\./g, '\\.')}$`, 'm'));
    expect(appConf).toMatch(/^\[package\]\nid = eventgen$/m);
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', spl, 'eventgen/app.manifest'], { encoding: 'utf8' })) as { schemaVersion: string; info: { id: { name: string; version: string } } };
    expect(manifest.schemaVersion).toBe('2.0.0');
    expect(manifest.info.id).toMatchObject({ name: 'eventgen', version: VERSION });
  });

  test('the icons are real PNGs of the sizes Splunk asks for', () => {
    for (const [name, size] of [['appIcon.png', 36], ['appIcon_2x.png', 72], ['appIconAlt.png', 36], ['appIconAlt_2x.png', 72]] as const) {
      const png = execFileSync('tar', ['-xzOf', spl, `eventgen/appserver/static/${name}`]);
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
  });
});

describe('the unpacked app', () => {
  let h: SplunkHome;
  let rest: SplunkdRestHandle;
  let app: string;

  beforeAll(async () => {
    const home = join(work, 'splunk');
    const apps = join(home, 'etc', 'apps');
    execFileSync('mkdir', ['-p', apps, join(home, 'lib')]);
    execFileSync('tar', ['-xzf', spl, '-C', apps]);
    for (const a of ['app_web', 'app_auth']) cpSync(join(FIXTURE_APPS, a), join(apps, a), { recursive: true });
    // A broken libstdc++ on splunkd's LD_LIBRARY_PATH: the wrapper must clear it.
    execFileSync('sh', ['-c', `printf 'not a library' > '${join(home, 'lib', 'libstdc++.so.6')}'`]);
    rest = await startSplunkdRest({ appsDir: apps, sessionKey: KEY, tls: true });
    app = join(apps, 'eventgen');
    h = { home, apps, rest, checkpointDir: (n) => join(home, 'var', 'lib', 'splunk', 'modinputs', 'eventgen', n), close: async () => rest.close() };
  });

  afterAll(async () => {
    await rest?.close();
  });

  test('the bundles need no node_modules: only Node built-ins and the optional requires scripts/bundle.js lists', () => {
    const allowed = new Set(['splunk-sdk', '@napi-rs/nice', 'chokidar']);
    for (const f of readdirSync(join(app, 'bin')).filter((n) => n.endsWith('.js'))) {
      const text = readFileSync(join(app, 'bin', f), 'utf8');
      for (const m of text.matchAll(/\brequire\(["']([^"'./][^"']*)["']\)/g)) {
        const id = m[1].replace(/^node:/, '');
        if (builtinModules.includes(id) || builtinModules.includes(id.split('/')[0])) continue;
        expect(`${f}: ${m[1]}`).toBe(allowed.has(m[1]) ? `${f}: ${m[1]}` : 'an allowed module');
      }
    }
  });

  test('bin/eventgen.sh --scheme', async () => {
    const r = await scheme(join(app, 'bin', 'eventgen.sh'), { splunkHome: h.home });
    expect(r.problems).toEqual([]);
    expect(r.scheme?.title).toBe('Eventgen (Node)');
  });

  test('bin/eventgen (the CLI) also answers splunkd\'s --scheme, in case splunkd picks it', async () => {
    const r = await scheme(join(app, 'bin', 'eventgen'), { splunkHome: h.home, env: { LD_LIBRARY_PATH: undefined } });
    expect(r.problems).toEqual([]);
  });

  test('a short generation as splunkd runs it: sample mode, replay, an app plugin on worker threads', async () => {
    const run = runModularInput({ script: join(app, 'bin', 'eventgen.sh'), splunkHome: h.home, env: FAST_ENV, inputXml: inputXml(h, h.checkpointDir('pkg')) });
    await waitFor(run, (ev) => ['web', 'auth', 'replay', 'plugins'].every((i) => byIndex(ev, i).length >= 2), 'events of every sample');
    const { result, ms } = await stopTimed(run);
    expect(result).toMatchObject({ code: 0, sawStreamStart: true, sawStreamEnd: true, killed: false });
    expect(result.protocolError).toBeUndefined();
    expect(ms).toBeLessThan(5000);
    expect(byIndex(run.events, 'plugins')[0].data).toBe('tick 0 from app_auth');
    expect(logText(run.logs)).toMatch(/^INFO Running 4 sample\(s\) from 2 app\(s\)/m);
    expect(readFileSync(join(h.home, 'var', 'log', 'splunk', 'eventgen-metrics.log'), 'utf8')).toMatch(/"sample":"app_auth\/ticker"/);
  });

  test('the CLI runs from the package: generate on an app folder', () => {
    const r = spawnSync(join(app, 'bin', 'eventgen'), ['generate', join(h.apps, 'app_web'), '--end', '1', '--output', 'modinput', '--workers', '1'], {
      encoding: 'utf8', cwd: tmpdir(), env: { PATH: process.env.PATH, SPLUNK_HOME: h.home }, timeout: 20_000,
    });
    expect(r.stderr).not.toMatch(/FATAL|Cannot find module/);
    const parsed = parseEventStream(r.stdout);
    expect(parsed.sawStreamEnd).toBe(true);
    // web.log's 4 events; checked.log's file output (without fileName) is replaced by --output.
    expect(byIndex(parsed.events, 'web').filter((e) => e.source === '/var/log/shop/web.log')).toHaveLength(4);
    expect(byIndex(parsed.events, 'web').filter((e) => e.source === 'checked.log')).toHaveLength(1);
  });
});
