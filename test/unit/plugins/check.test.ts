/**
 * The optional check(sample) hook: the built-in outputs check with the very reader their
 * create() runs (so validate and a run accept the same settings), and the runner turns problems
 * into diagnostics that point at the line that set the value.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutputPlugin, SampleSpec } from '../../../lib/plugins/api';
import { builtinRegistry } from '../../../lib/plugins/builtin';
import { checkPlugins, locateSetting, pluginProblems, problemOf, validateSamples, type CheckContext } from '../../../lib/plugins/check';
import { PluginError, PluginRegistry } from '../../../lib/plugins/registry';
import { parseConf } from '../../../lib/conf/parser';
import { resolveSamples, type ConfSource } from '../../../lib/conf/resolve';
import { formatDiagnostic } from '../../../lib/conf/types';
import httpevent from '../../../lib/plugins/output/net/httpevent';
import metricHttpevent from '../../../lib/plugins/output/net/metric_httpevent';
import syslogout from '../../../lib/plugins/output/net/syslogout';
import tcpout from '../../../lib/plugins/output/net/tcpout';
import udpout from '../../../lib/plugins/output/net/udpout';
import splunkstream from '../../../lib/plugins/output/net/splunkstream';
import fileOutput from '../../../lib/plugins/output/file';
import spoolOutput from '../../../lib/plugins/output/spool';
import stdoutOutput from '../../../lib/plugins/output/stdout';
import devnullOutput from '../../../lib/plugins/output/devnull';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function sample(settings: Record<string, unknown>, stanza = 'web'): SampleSpec {
  return { id: stanza, stanza, confDir: __dirname, confFile: join(__dirname, 'eventgen.conf'), sampleDir: __dirname, settings, tokens: [] };
}

const good = { servers: [{ protocol: 'https', address: 'idx1', port: '8088', key: 'k' }] };

describe('built-in outputs: check() reports what create() would throw, and opens nothing', () => {
  test.each<[string, OutputPlugin, Record<string, unknown>, string, string]>([
    ['httpevent, httpeventServers not JSON', httpevent, { httpeventServers: '{"servers": [' }, 'httpeventServers', 'httpeventServers: is not valid JSON'],
    ['httpevent, a server without key', httpevent, { httpeventServers: { servers: [{ protocol: 'https', address: 'idx1', port: 8088 }] } }, 'httpeventServers', 'httpeventServers: server 1 has no "key"'],
    ['httpevent, a bad protocol', httpevent, { httpeventServers: { servers: [{ ...good.servers[0], protocol: 'ftp' }] } }, 'httpeventServers', 'server 1 has "protocol": "ftp"; expected "http" or "https"'],
    ['httpevent, httpeventServers unset', httpevent, {}, 'httpeventServers', 'httpeventServers: is not set'],
    ['httpevent, an unreadable CA file', httpevent, { httpeventServers: good, httpeventCaFile: 'no-such-ca.pem' }, 'httpeventCaFile', 'httpeventCaFile = "no-such-ca.pem" cannot be read'],
    ['metric_httpevent, the raw endpoint', metricHttpevent, { httpeventServers: good, httpeventEndpoint: 'raw' }, 'httpeventEndpoint', 'cannot carry metrics'],
    ['syslogout, no host', syslogout, { syslogDestinationHost: ' ' }, 'syslogDestinationHost', 'syslogDestinationHost is not set'],
    ['syslogout, a bad protocol', syslogout, { syslogProtocol: 'rfc9999' }, 'syslogProtocol', 'syslogProtocol = "rfc9999" must be one of rfc3164, rfc5424'],
    ['syslogout, a bad transport', syslogout, { syslogTransport: 'sctp' }, 'syslogTransport', 'must be one of udp, tcp, tls'],
    ['syslogout, TLS with a missing CA file', syslogout, { syslogTransport: 'tls', syslogCaFile: 'missing-ca.pem' }, 'syslogCaFile', 'syslogCaFile = "missing-ca.pem" cannot be read'],
    ['tcpout, no host', tcpout, { tcpDestinationHost: '' }, 'tcpDestinationHost', 'tcpDestinationHost is not set'],
    ['tcpout, port 0', tcpout, { tcpDestinationPort: 0 }, 'tcpDestinationPort', 'tcpDestinationPort = 0 must be at least 1'],
    ['udpout, a port out of range', udpout, { udpDestinationPort: 70000 }, 'udpDestinationPort', 'must be at most 65535'],
    ['splunkstream, a URL as host', splunkstream, { splunkHost: 'https://idx:8089', splunkUser: 'u', splunkPass: 'p' }, 'splunkHost', 'must be a host name or IP address'],
    ['splunkstream, no credentials', splunkstream, { splunkHost: 'idx' }, 'splunkUser', 'set splunkUser and splunkPass (or sessionKey) to send to https://idx:8089'],
    ['splunkstream, a user without password', splunkstream, { splunkHost: 'idx', splunkUser: 'u' }, 'splunkPass', 'set splunkUser and splunkPass'],
    ['file, no fileName', fileOutput, { fileName: '' }, 'fileName', 'outputMode = file needs fileName'],
    ['file, an unset variable', fileOutput, { fileName: '$EG_CHECK_UNSET_VAR/x.log' }, 'fileName', 'uses an unset environment variable'],
    ['spool, an unset variable', spoolOutput, { spoolDir: '$EG_CHECK_UNSET_VAR/spool', spoolFile: 'x.log' }, 'spoolDir', 'uses an unset environment variable'],
  ])('%s', (_what, plugin, settings, setting, words) => {
    const s = sample(settings);
    const problems = plugin.check!(s);
    expect(problems).toEqual([{ setting, message: expect.stringContaining(words) }]);
    const { message } = problems![0] as { message: string };
    // Said without the "output [stanza]: " prefix: the diagnostic names the stanza already.
    expect(message.startsWith(`${plugin.name} [web]`)).toBe(false);
    // The same reader: create() fails with the same words (prefixed with output and stanza).
    expect(() => plugin.create(s, { log: quiet, sample: s })).toThrow(message);
  });

  test('good settings: no problems, and no file or socket opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-check-'));
    try {
      const target = join(dir, 'not', 'yet', 'out.log');
      const cases: Array<[OutputPlugin, Record<string, unknown>]> = [
        [httpevent, { httpeventServers: good }],
        [metricHttpevent, { httpeventServers: JSON.stringify(good) }],
        [syslogout, { syslogTransport: 'tcp', syslogProtocol: 'rfc5424' }],
        [tcpout, {}],
        [udpout, {}],
        [splunkstream, { splunkHost: 'idx', sessionKey: 'abc' }],
        [fileOutput, { fileName: target }],
        [spoolOutput, { spoolDir: dir, spoolFile: 'spooled.log' }],
      ];
      for (const [plugin, settings] of cases) expect({ plugin: plugin.name, problems: plugin.check!(sample(settings)) }).toEqual({ plugin: plugin.name, problems: [] });
      expect(existsSync(join(dir, 'not'))).toBe(false);
      expect(existsSync(join(dir, 'spooled.log'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('outputs that have no settings to get wrong have no check', () => {
    expect(stdoutOutput.check).toBeUndefined();
    expect(devnullOutput.check).toBeUndefined();
  });
});

describe('the hook in the plugin API', () => {
  const base = { kind: 'output', name: 'o', apiVersion: 1, batchSize: 1, create: () => ({ send: () => undefined }) };

  test('is optional (a v1 plugin without it registers), and must be a function when given', () => {
    const reg = new PluginRegistry();
    expect(reg.register(base, { app: 'a', file: '/a/o.js' }).plugin.name).toBe('o');
    expect(() => reg.register({ ...base, name: 'p', check: 'yes' }, { app: 'a', file: '/a/p.js' })).toThrow(PluginError);
    expect(() => reg.register({ ...base, name: 'p', check: 'yes' }, { app: 'a', file: '/a/p.js' })).toThrow('check must be a function');
  });

  test('problemOf: a thrown error\'s message, less a given prefix, and its setting', () => {
    expect(problemOf(Object.assign(new Error('x [s]: fooPort = 0 must be at least 1'), { setting: 'fooPort' }), 'x [s]')).toEqual({ setting: 'fooPort', message: 'fooPort = 0 must be at least 1' });
    expect(problemOf('just words')).toEqual({ message: 'just words' });
  });
});

/** A test app: one generator needing no file and an output whose check() says what its settings ask. */
function fixture(confText: string, overrides: Record<string, string> = {}) {
  const registry = builtinRegistry();
  registry.register({ kind: 'generator', name: 'gen_t', apiVersion: 1, queueable: true, needsSampleFile: false, create: () => ({ generate: () => [] }) }, { app: 'testapp', file: '/apps/testapp/bin/gen_t.js' });
  registry.register(
    {
      kind: 'output',
      name: 'out_t',
      apiVersion: 1,
      batchSize: 10,
      settings: [
        { name: 'outMode', type: 'string', doc: 'What check() reports, for the tests.' },
        { name: 'outLent', type: 'string', doc: 'A setting lent by a regex stanza.' },
        { name: 'outGlobal', type: 'string', doc: 'A setting from [global].' },
        { name: 'outUnset', type: 'string', doc: 'A setting nobody sets.' },
      ],
      instanceKey: (s: SampleSpec) => {
        // Like the built-ins, instanceKey reads the settings too: for "own", check() speaks first.
        if (s.settings.outMode === 'key-fails' || s.settings.outMode === 'own') throw new Error('instanceKey: no key');
        return 'k';
      },
      check(s: SampleSpec) {
        switch (s.settings.outMode) {
          case 'own':
            return [{ setting: 'outMode', message: 'outMode is wrong here' }];
          case 'lent':
            return [{ setting: 'outLent', message: 'outLent is wrong' }];
          case 'global':
            return [{ setting: 'outGlobal', message: 'outGlobal is wrong' }];
          case 'unset':
            return [{ setting: 'outUnset', message: 'outUnset must be set' }];
          case 'words':
            return ['something is off', ''];
          case 'throws':
            throw Object.assign(new Error('thrown from check'), { setting: 'outMode' });
          case 'async':
            return Promise.resolve([]) as unknown as string[];
          case 'junk':
            return [42] as unknown as string[];
          default:
            return undefined;
        }
      },
      create: () => ({ send: () => undefined }),
    },
    { app: 'testapp', file: '/apps/testapp/lib/plugins/output/out_t.js' },
  );
  const { conf } = parseConf(confText, '/apps/testapp/default/eventgen.conf');
  const source: ConfSource = { app: 'testapp', conf, confDir: '/apps/testapp/default', confFile: '/apps/testapp/default/eventgen.conf', defaultSampleDir: '/apps/testapp/samples' };
  const resolved = resolveSamples([source], { schema: registry.schema, generatorNeedsFile: (n) => registry.generatorNeedsFile(n), overrides });
  expect(resolved.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const ctx: CheckContext = { origins: resolved.origins, overrides };
  const byStanza = (name: string) => resolved.samples.find((s) => s.stanza === name)!;
  return { registry, resolved, ctx, byStanza };
}

const CONF = `[global]
outGlobal = from-global

[.*_t]
generator = gen_t
outLent = from-regex

[own_t]
generator = gen_t
outputMode = out_t
outMode = own

[lent_t]
generator = gen_t
outputMode = out_t
outMode = lent

[global_t]
generator = gen_t
outputMode = out_t
outMode = global

[unset_t]
generator = gen_t
outputMode = out_t
outMode = unset

[words_t]
generator = gen_t
outputMode = out_t
outMode = words

[throws_t]
generator = gen_t
outputMode = out_t
outMode = throws

[async_t]
generator = gen_t
outputMode = out_t
outMode = async

[junk_t]
generator = gen_t
outputMode = out_t
outMode = junk

[key_t]
generator = gen_t
outputMode = out_t
outMode = key-fails

[fine_t]
generator = gen_t
outputMode = out_t
outMode = fine
`;
/** 1-based line of `needle` in CONF, the first one after the line `after` when given. */
const lineOf = (needle: string, after?: string): number => {
  const lines = CONF.split('\n');
  const from = after === undefined ? -1 : lines.indexOf(after);
  return lines.findIndex((l, i) => l === needle && i > from) + 1;
};
const FROM = 'output plugin "out_t" from app testapp (/apps/testapp/lib/plugins/output/out_t.js): ';

describe('problems become diagnostics at the line that set the value', () => {
  const { registry, ctx, byStanza, resolved } = fixture(CONF);
  const report = (stanza: string) => pluginProblems(byStanza(stanza), 'output', registry, ctx).map(formatDiagnostic);
  const conf = '/apps/testapp/default/eventgen.conf';

  test('a setting of the stanza itself: its line and value', () => {
    expect(report('own_t')).toEqual([`ERROR ${conf}:${lineOf('outMode = own')} [own_t] outMode = "own": ${FROM}outMode is wrong here`]);
  });

  test('a setting lent by a regex stanza, or set in [global]: the line there', () => {
    expect(report('lent_t')).toEqual([`ERROR ${conf}:${lineOf('outLent = from-regex')} [lent_t] outLent = "from-regex": ${FROM}outLent is wrong`]);
    expect(report('global_t')).toEqual([`ERROR ${conf}:${lineOf('outGlobal = from-global')} [global_t] outGlobal = "from-global": ${FROM}outGlobal is wrong`]);
  });

  test('a setting set nowhere: the stanza\'s line, no value', () => {
    expect(report('unset_t')).toEqual([`ERROR ${conf}:${lineOf('[unset_t]')} [unset_t] outUnset: ${FROM}outUnset must be set`]);
  });

  test('a plain string is reported against outputMode; blank strings are no problem', () => {
    expect(report('words_t')).toEqual([`ERROR ${conf}:${lineOf('outputMode = out_t', '[words_t]')} [words_t] outputMode = "out_t": ${FROM}something is off`]);
  });

  test('a check that throws, returns a promise or returns junk is reported, not fatal', () => {
    expect(report('throws_t')).toEqual([`ERROR ${conf}:${lineOf('outMode = throws')} [throws_t] outMode = "throws": ${FROM}thrown from check`]);
    expect(report('async_t')[0]).toContain('check() returned a promise');
    expect(report('junk_t')[0]).toContain('check() returned 42; a problem is a string or { setting, message }');
  });

  test('no problems: nothing reported', () => {
    expect(report('fine_t')).toEqual([]);
  });

  test('generate: the samples with problems are the ones not to start', () => {
    const { broken, diagnostics } = checkPlugins(resolved.samples, registry, ctx);
    expect([...broken].sort()).toEqual(['testapp/async_t', 'testapp/global_t', 'testapp/junk_t', 'testapp/lent_t', 'testapp/own_t', 'testapp/throws_t', 'testapp/unset_t', 'testapp/words_t']);
    expect(diagnostics).toHaveLength(8);
  });

  test('validate: instanceKey is still probed where check() found nothing, and not twice-reported where it did', () => {
    const diags = validateSamples(resolved.samples, registry, quiet, ctx).map(formatDiagnostic);
    expect(diags.filter((d) => d.includes('[key_t]'))).toEqual([`ERROR ${conf}:${lineOf('outputMode = out_t', '[key_t]')} [key_t] outputMode = "out_t": instanceKey: no key`]);
    expect(diags.filter((d) => d.includes('[own_t]'))).toEqual([expect.stringContaining('outMode is wrong here')]);
    expect(diags.filter((d) => d.includes('[fine_t]'))).toEqual([]);
  });
});

test('a setting given on the command line has no line, and shows the value given', () => {
  const { ctx, byStanza } = fixture(CONF, { outMode: 'own' });
  expect(locateSetting(byStanza('fine_t'), 'outMode', ctx)).toEqual({ stanza: 'fine_t', setting: 'outMode', value: 'own' });
});
