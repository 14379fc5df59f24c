import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinGlobalDefaults, builtinSpec } from '../../../lib/conf/spec';
import { CORE_SETTINGS } from '../../../lib/conf/settings';
import { builtinRegistry } from '../../../lib/plugins/builtin';
import { parseConf } from '../../../lib/conf/parser';

const REPO = join(__dirname, '..', '..', '..');

describe('the settings schema and the generated spec', () => {
  test('README/eventgen.conf.spec is up to date (run `npm run build && npm run spec`)', () => {
    expect(readFileSync(join(REPO, 'README', 'eventgen.conf.spec'), 'utf8')).toBe(builtinSpec());
  });

  test('every setting has a type, a one-line doc and a group; names are unique', () => {
    const all = builtinRegistry().schema.all();
    expect(new Set(all.map((d) => d.name)).size).toBe(all.length);
    for (const d of all) {
      expect(d.doc.length).toBeGreaterThan(10);
      expect(d.doc).not.toContain('\n');
      expect(d.group).toBeTruthy();
    }
  });

  test('every default coerces from its own text form', () => {
    const schema = builtinRegistry().schema;
    for (const d of CORE_SETTINGS) {
      if (d.default === undefined) continue;
      const text = typeof d.default === 'string' ? d.default : JSON.stringify(d.default);
      const c = schema.coerce(d, text);
      expect({ name: d.name, ok: c.ok }).toEqual({ name: d.name, ok: true });
    }
  });

  test('default/eventgen.conf is up to date too', () => {
    expect(readFileSync(join(REPO, 'default', 'eventgen.conf'), 'utf8')).toBe(builtinGlobalDefaults());
  });

  test('default/eventgen.conf holds exactly the schema defaults in [global]', () => {
    const { conf, diagnostics } = parseConf(readFileSync(join(REPO, 'default', 'eventgen.conf'), 'utf8'), 'default/eventgen.conf');
    expect(diagnostics).toEqual([]);
    const schema = builtinRegistry().schema;
    for (const [k, v] of conf.stanzas.get('global')!.settings) {
      const def = schema.get(k)!;
      expect(def).toBeDefined();
      const c = schema.coerce(def, v.value);
      expect(c.ok && c.value).toEqual(def.default);
    }
  });
});
