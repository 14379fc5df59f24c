/**
 * PLUGINS.md shows complete plugins; they must be the fixture files the integration tests run
 * (test/fixtures/plugin-apps), byte for byte, so the documentation never drifts from working code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

test('every example in PLUGINS.md is a fixture file, unchanged', () => {
  const doc = readFileSync(join(ROOT, 'PLUGINS.md'), 'utf8');
  const blocks = [...doc.matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)```\n/g)];
  expect(blocks.map((b) => b[1])).toEqual([
    'acme_weblog/bin/weblog.js',
    'acme_weblog/lib/plugins/generator/ticker.js',
    'acme_weblog/default/eventgen.conf',
    'beta_outputs/lib/plugins/rater/business_hours.js',
    'beta_outputs/lib/plugins/output/jsonfile.js',
    'beta_outputs/default/eventgen.conf',
    'zeta_demo/default/eventgen.conf',
  ]);
  for (const [, file, text] of blocks) expect(text).toBe(readFileSync(join(ROOT, 'test', 'fixtures', 'plugin-apps', file), 'utf8'));
});
