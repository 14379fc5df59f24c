#!/usr/bin/env node
// `npm run package`: builds the Splunk app package dist/eventgen-<version>.spl, a gzip'd tar with
// one top folder eventgen/ (the app id), laid out for Splunk and AppInspect:
//   app.manifest, README.md (docs/SPLUNK.md), LICENSE if present, THIRD-PARTY-NOTICES.txt,
//   bin/        eventgen.sh (the modular input), eventgen (the CLI) and the bundles (scripts/bundle.js)
//   default/    app.conf, inputs.conf, props.conf, eventgen.conf ([global] defaults), data/ui/
//   README/     inputs.conf.spec, eventgen.conf.spec (npm run spec regenerates it first)
//   metadata/   default.meta
//   appserver/static/  icons
// samples/ is not shipped: it holds the CLI demo's samples, which no shipped stanza uses.
// The archive is built from an explicit list, so local/, node_modules, build/, tests and dot
// files can never slip in; the rules of docs/SPLUNK.md "Packaging" are checked before writing.
// Modes: directories 755, files 644, execute bits only on bin/eventgen and bin/eventgen.sh.
//
// Usage: node scripts/package-app.js [--out <dir>]   (prints the .spl path on stdout)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { bundle, noticesText } = require('./bundle');
const { createTar } = require('./tar');

const ROOT = path.join(__dirname, '..');
const APP_ID = 'eventgen';
const EXECUTABLES = new Set(['bin/eventgen', 'bin/eventgen.sh']);

function fail(msg) {
  throw new Error(`package: ${msg}`);
}

/** Files under a repository folder, recursively, as paths relative to the repository. */
function walk(rel) {
  const abs = path.join(ROOT, rel);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return [rel];
  return fs.readdirSync(abs).sort().flatMap((n) => walk(path.posix.join(rel, n)));
}

function confValue(text, stanza, key) {
  let current = 'default';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[') && line.endsWith(']')) current = line.slice(1, -1);
    else if (current === stanza && line.startsWith(key)) {
      const m = /^([^=]+)=(.*)$/.exec(line);
      if (m && m[1].trim() === key) return m[2].trim();
    }
  }
  return undefined;
}

/** package.json, default/app.conf and app.manifest must agree on id and version. */
function checkVersions() {
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  const appConf = fs.readFileSync(path.join(ROOT, 'default', 'app.conf'), 'utf8');
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.manifest'), 'utf8'));
  const found = {
    'app.conf [launcher] version': confValue(appConf, 'launcher', 'version'),
    'app.conf [id] version': confValue(appConf, 'id', 'version'),
    'app.manifest info.id.version': manifest.info?.id?.version,
  };
  for (const [where, v] of Object.entries(found)) if (v !== version) fail(`${where} is ${JSON.stringify(v)}, package.json says ${version}`);
  const ids = { 'app.conf [package] id': confValue(appConf, 'package', 'id'), 'app.conf [id] name': confValue(appConf, 'id', 'name'), 'app.manifest info.id.name': manifest.info?.id?.name };
  for (const [where, v] of Object.entries(ids)) if (v !== APP_ID) fail(`${where} is ${JSON.stringify(v)}, expected ${APP_ID}`);
  const build = confValue(appConf, 'install', 'build');
  if (!/^[1-9]\d*$/.test(build ?? '')) fail(`app.conf [install] build must be a positive integer, not ${JSON.stringify(build)}`);
  return version;
}

/** The rules a package must follow (AppInspect's packaging checks and the issue's). */
function checkEntries(entries) {
  const problems = [];
  for (const e of entries) {
    const rel = e.name.slice(APP_ID.length + 1);
    const parts = e.name.split('/').filter(Boolean);
    if (parts[0] !== APP_ID) problems.push(`${e.name}: outside the ${APP_ID}/ folder`);
    if (parts.some((p) => p.startsWith('.'))) problems.push(`${e.name}: a name starts with "."`);
    if (parts.includes('node_modules')) problems.push(`${e.name}: node_modules`);
    if (parts[1] === 'local' || rel === 'metadata/local.meta') problems.push(`${e.name}: local configuration`);
    if (e.type === 'file' && e.mode & 0o111 && !EXECUTABLES.has(rel)) problems.push(`${e.name}: executable outside the allowed bin/ entries`);
    if (e.type === 'file' && e.mode & 0o111 && !rel.startsWith('bin/')) problems.push(`${e.name}: executable outside bin/`);
    if (e.mode & 0o022) problems.push(`${e.name}: group/world writable`);
  }
  for (const required of ['default/app.conf', 'app.manifest', 'bin/eventgen.sh', 'bin/eventgen-input.js', 'bin/worker.js', 'README/inputs.conf.spec', 'README/eventgen.conf.spec', 'metadata/default.meta']) {
    if (!entries.some((e) => e.name === `${APP_ID}/${required}`)) problems.push(`${required} is missing`);
  }
  if (problems.length) fail(`the package breaks the packaging rules:\n  ${problems.join('\n  ')}`);
}

async function main() {
  const outIdx = process.argv.indexOf('--out');
  const outDir = outIdx > 0 ? path.resolve(process.argv[outIdx + 1]) : path.join(ROOT, 'dist');
  const version = checkVersions();
  const mtime = Math.floor(Date.now() / 1000);

  const files = new Map(); // path in the app → Buffer
  const add = (rel, data) => files.set(rel, Buffer.isBuffer(data) ? data : Buffer.from(data));
  for (const rel of [
    'app.manifest',
    ...walk('default'),
    ...walk('README').filter((f) => f.endsWith('.spec')),
    'metadata/default.meta',
    ...walk('appserver/static'),
    'bin/eventgen',
    'bin/eventgen.sh',
  ]) {
    if (!fs.existsSync(path.join(ROOT, rel))) fail(`${rel} does not exist`);
    add(rel, fs.readFileSync(path.join(ROOT, rel)));
  }
  for (const lic of ['LICENSE', 'LICENSE.txt', 'LICENSE.md']) if (fs.existsSync(path.join(ROOT, lic))) add(lic, fs.readFileSync(path.join(ROOT, lic)));
  add('README.md', fs.readFileSync(path.join(ROOT, 'docs', 'SPLUNK.md')));

  const tmp = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'eventgen-bundle-'));
  try {
    const { packages } = await bundle(tmp);
    for (const f of fs.readdirSync(tmp).sort()) add(`bin/${f}`, fs.readFileSync(path.join(tmp, f)));
    add('THIRD-PARTY-NOTICES.txt', noticesText(packages));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  // Directories first (each once), then files, in a stable order.
  const dirs = new Set([APP_ID]);
  for (const rel of files.keys()) {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(`${APP_ID}/${parts.slice(0, i).join('/')}`);
  }
  const entries = [
    ...[...dirs].sort().map((d) => ({ name: d, type: 'dir', mode: 0o755, mtime })),
    ...[...files.keys()].sort().map((rel) => ({
      name: `${APP_ID}/${rel}`,
      type: 'file',
      mode: EXECUTABLES.has(rel) ? 0o755 : 0o644,
      mtime,
      data: files.get(rel),
    })),
  ];
  checkEntries(entries);
  fs.mkdirSync(outDir, { recursive: true });
  const spl = path.join(outDir, `${APP_ID}-${version}.spl`);
  fs.writeFileSync(spl, zlib.gzipSync(createTar(entries), { level: 9 }));
  const size = fs.statSync(spl).size;
  process.stderr.write(`package: ${entries.length} entries, ${(size / 1024).toFixed(0)} KiB\n`);
  process.stdout.write(`${spl}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e.message ?? e}\n`);
  process.exitCode = 1;
});
