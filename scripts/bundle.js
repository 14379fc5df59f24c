#!/usr/bin/env node
// Bundles the JavaScript the Splunk app runs into a bin/ folder (esbuild; platform node,
// target node20, CommonJS), so the app needs no node_modules:
//   eventgen-cli.js     the CLI (bin/eventgen requires it); also answers splunkd's calls
//   eventgen-input.js   the modular input (bin/eventgen.sh runs it)
//   worker.js           the generator worker: executor-pool.ts loads join(__dirname, 'worker.js'),
//                       and __dirname of a bundle is bin/, so it sits beside them. The bundled
//                       piscina also starts its threads on resolve(__dirname, 'worker.js'), the
//                       same file; so bin/worker.js is piscina's thread bootstrap and our worker
//                       in one bundle (scripts/worker-entry.js) sharing one copy of piscina.
// Left out: splunk-sdk (only reachable through the REST client's optional 'splunk-sdk'
// transport, which the app does not use) and @napi-rs/nice (piscina's optional native module).
// nunjucks' require("chokidar") also stays a require: it is inside a try/catch and only runs
// with nunjucks' `watch` option, which the jinja generator does not use.
//
// Usage: node scripts/bundle.js <out bin dir>     (scripts/package-app.js calls bundle())
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const EXTERNAL = ['splunk-sdk', '@napi-rs/nice'];

async function bundle(outDir) {
  const esbuild = require('esbuild');
  fs.mkdirSync(outDir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: {
      'eventgen-cli': path.join(ROOT, 'scripts', 'cli-entry.js'),
      'eventgen-input': path.join(ROOT, 'lib', 'splunk', 'input.ts'),
      worker: path.join(ROOT, 'scripts', 'worker-entry.js'),
    },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: EXTERNAL,
    // Readable output: Splunk Cloud vetting reviews bundled code by hand.
    minify: false,
    legalComments: 'inline',
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
    tsconfig: path.join(ROOT, 'tsconfig.build.json'),
  });
  return { metafile: result.metafile, packages: bundledPackages(result.metafile) };
}

/** node_modules packages that ended up in the bundles, with their license texts. */
function bundledPackages(metafile) {
  const found = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /(?:^|[\\/])node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(input);
    if (!m) continue;
    const dir = path.join(ROOT, input.slice(0, m.index + m[0].length));
    if (found.has(dir)) continue;
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const licenseFile = fs.readdirSync(dir).find((f) => /^(license|licence|copying)(\.|$)/i.test(f));
    found.set(dir, {
      name: pkg.name,
      version: pkg.version,
      license: typeof pkg.license === 'string' ? pkg.license : 'see text',
      text: licenseFile ? fs.readFileSync(path.join(dir, licenseFile), 'utf8').trim() : undefined,
    });
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** THIRD-PARTY-NOTICES.txt for the bundled packages. */
function noticesText(packages) {
  const lines = ['Third-party software bundled into bin/*.js of this app', ''];
  for (const p of packages) {
    lines.push('='.repeat(78), `${p.name} ${p.version} (${p.license})`, '='.repeat(78), p.text ?? `License: ${p.license}`, '');
  }
  return lines.join('\n');
}

module.exports = { bundle, noticesText };

if (require.main === module) {
  const out = process.argv[2] ?? path.join(ROOT, 'dist', 'bin');
  bundle(out).then(
    ({ packages }) => {
      fs.writeFileSync(path.join(out, 'THIRD-PARTY-NOTICES.txt'), noticesText(packages));
      process.stdout.write(`bundled into ${out} (${packages.length} packages: ${packages.map((p) => p.name).join(', ')})\n`);
    },
    (e) => {
      process.stderr.write(`${e.stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
