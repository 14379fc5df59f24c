import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermanentError, PLUGIN_API_VERSION } from '../../../../lib/plugins/api';
import httpevent from '../../../../lib/plugins/output/net/httpevent';
import metricHttpevent from '../../../../lib/plugins/output/net/metric_httpevent';
import { CORE_SETTINGS } from '../../../../lib/conf/settings';
import { sampleSpec } from './support';

const good = { servers: [{ protocol: 'http', address: '127.0.0.1', port: 8088, key: 'k' }] };

function createError(settings: Record<string, unknown>, plugin = httpevent): Error {
  const sample = sampleSpec(settings, 'web');
  try {
    plugin.create(sample, { log: console, sample });
  } catch (e) {
    return e as Error;
  }
  throw new Error('create() accepted the settings');
}

describe('httpevent settings validation in create()', () => {
  test.each<[string, unknown, string]>([
    ['unset', undefined, 'httpevent [web]: httpeventServers: is not set'],
    ['not JSON', '{"servers": [', 'httpevent [web]: httpeventServers: is not valid JSON'],
    ['a list instead of an object', [good.servers[0]], 'must be a JSON object with a "servers" list'],
    ['no servers key', { hosts: [] }, 'must be a JSON object with a "servers" list'],
    ['empty servers', { servers: [] }, '"servers" is empty'],
    ['server 2 without key', { servers: [good.servers[0], { protocol: 'https', address: 'idx2', port: 8088 }] }, 'httpeventServers: server 2 has no "key"'],
    ['server 1 with an empty key', { servers: [{ ...good.servers[0], key: '  ' }] }, 'server 1 has no "key"'],
    ['a bad protocol', { servers: [{ ...good.servers[0], protocol: 'tcp' }] }, 'server 1 has "protocol": "tcp"; expected "http" or "https"'],
    ['a port out of range', { servers: [{ ...good.servers[0], port: 70000 }] }, 'server 1 has "port": 70000'],
    ['a port that is not a number', { servers: [{ ...good.servers[0], port: 'http' }] }, 'server 1 has "port": "http"'],
    ['a URL as address', { servers: [{ ...good.servers[0], address: 'https://idx:8088' }] }, 'without scheme, port or path'],
    ['a server that is not an object', { servers: ['idx1:8088'] }, 'server 1 is not a JSON object'],
  ])('httpeventServers %s → PermanentError naming the setting', (_what, value, expected) => {
    const e = createError({ httpeventServers: value });
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toContain(expected);
  });

  test('the original string form (port as a string, protocol in capitals) is accepted', async () => {
    const sample = sampleSpec({ httpeventServers: JSON.stringify({ servers: [{ protocol: 'HTTPS', address: 'idx', port: '8088', key: 'k' }] }) });
    const out = httpevent.create(sample, { log: console, sample });
    await out.close?.();
  });

  test.each<[Record<string, unknown>, string]>([
    [{ httpeventMaxPayloadSize: 'big' }, 'httpeventMaxPayloadSize = "big" must be a whole number'],
    [{ httpeventMaxPayloadSize: 0 }, 'httpeventMaxPayloadSize = 0 must be at least 1'],
    [{ httpeventOutputMode: 'broadcast' }, 'httpeventOutputMode = "broadcast" must be one of roundrobin, mirror'],
    [{ httpeventGzip: 'maybe' }, 'httpeventGzip = "maybe" must be true or false'],
    [{ httpeventCaFile: 'no-such-ca.pem' }, 'httpeventCaFile = "no-such-ca.pem" cannot be read'],
  ])('%j → PermanentError naming the setting and the value', (extra, expected) => {
    const e = createError({ httpeventServers: good, ...extra });
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toContain(`httpevent [web]: ${expected}`);
  });

  test('a CA file without a certificate is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evg-ca-'));
    writeFileSync(join(dir, 'ca.pem'), 'not a certificate');
    const e = createError({ httpeventServers: good, httpeventCaFile: join(dir, 'ca.pem') });
    expect(e.message).toContain('holds no PEM certificate');
  });

  test('metric_httpevent refuses the raw endpoint', () => {
    const e = createError({ httpeventServers: good, httpeventEndpoint: 'raw' }, metricHttpevent);
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toContain('metric_httpevent [web]: httpeventEndpoint = "raw" cannot carry metrics');
  });
});

describe('HEC plugin declarations', () => {
  test('both plugins follow API v1 and share instances only when every client setting agrees', () => {
    for (const p of [httpevent, metricHttpevent]) {
      expect(p.kind).toBe('output');
      expect(p.apiVersion).toBe(PLUGIN_API_VERSION);
      expect(p.batchSize).toBe(1000);
    }
    const a = httpevent.instanceKey!(sampleSpec({ httpeventServers: good }, 'a'));
    const b = httpevent.instanceKey!(sampleSpec({ httpeventServers: good }, 'b'));
    const c = httpevent.instanceKey!(sampleSpec({ httpeventServers: good, httpeventGzip: true }, 'c'));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(metricHttpevent.instanceKey!(sampleSpec({ httpeventServers: good }))).not.toBe(a);
    // The key may be logged: it must not carry the token.
    expect(httpevent.instanceKey!(sampleSpec({ httpeventServers: { servers: [{ ...good.servers[0], key: 'SECRET-TOKEN' }] } }))).not.toContain('SECRET');
  });

  test('added settings are well formed and do not clash with the core schema', () => {
    const core = new Set(CORE_SETTINGS.map((d) => d.name));
    for (const d of httpevent.settings!) {
      expect(core.has(d.name)).toBe(false);
      expect(d.name).toMatch(/^httpevent[A-Z]/);
      expect(d.inherit).toBe(true);
      expect(d.doc.length).toBeGreaterThan(10);
      expect(d.group).toBe('Output: httpevent / metric_httpevent (Splunk HEC)');
    }
    expect(metricHttpevent.settings).toEqual([]);
  });
});

describe('every network output registers its settings in the live schema', () => {
  test('no clashes with the core or with each other, and defaults pass their own coercion', async () => {
    const { SettingsSchema } = await import('../../../../lib/conf/schema');
    const plugins = await Promise.all(
      ['httpevent', 'metric_httpevent', 'syslogout', 'tcpout', 'udpout', 'splunkstream'].map(async (n) => (await import(`../../../../lib/plugins/output/net/${n}`)).default as typeof httpevent),
    );
    const schema = new SettingsSchema();
    for (const p of plugins) {
      expect([p.name, schema.add(p.settings ?? [], p.name)]).toEqual([p.name, []]);
      for (const d of p.settings ?? []) {
        if (d.default === undefined) continue;
        const coerced = schema.coerce(d, String(d.default));
        expect([d.name, coerced]).toEqual([d.name, { ok: true, value: d.default }]);
      }
    }
  });
});
