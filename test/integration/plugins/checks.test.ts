/**
 * The plugins' check() hooks through the command line: `eventgen validate` reports output
 * settings that would only fail once a run starts, with file, line, stanza, setting and value;
 * `eventgen generate` refuses those stanzas at start with the same message and runs the others;
 * the PLUGINS.md example says what the fixture app really prints. And `eventgen spec <app>`
 * lists the settings of the app's plugins.
 *
 * Needs `npm run build` first.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli, tempDir } from '../../helpers/cli';

const FIXTURES = join(REPO, 'test', 'fixtures', 'plugin-apps');

beforeAll(() => {
  if (!existsSync(join(REPO, 'build', 'lib', 'cli', 'main.js'))) throw new Error('run `npm run build` first');
});

/** A scratch folder with eventgen.conf and an empty-ish sample file for each stanza. */
function scratch(conf: string): { dir: string; conf: string; lineOf: (text: string) => number; cleanup: () => void } {
  const t = tempDir('eg-checks-');
  mkdirSync(join(t.dir, 'samples'));
  for (const m of conf.matchAll(/^\[(.+)\\\.log\]$/gm)) writeFileSync(join(t.dir, 'samples', `${m[1]}.log`), 'hello\nworld\n');
  writeFileSync(join(t.dir, 'eventgen.conf'), conf);
  const lines = conf.split('\n');
  const lineOf = (text: string): number => {
    const i = lines.indexOf(text);
    if (i < 0) throw new Error(`no line ${JSON.stringify(text)}`);
    return i + 1;
  };
  return { dir: t.dir, conf: join(t.dir, 'eventgen.conf'), lineOf, cleanup: t.cleanup };
}

const GOOD_HEC = 'httpeventServers = {"servers":[{"protocol":"https","address":"idx1","port":"8088","key":"k"}]}';

const BROKEN = `[hec_json\\.log]
outputMode = httpevent
httpeventServers = {"servers": [

[hec_shape\\.log]
outputMode = httpevent
httpeventServers = {"hosts": ["idx1:8088"]}

[hec_nokey\\.log]
outputMode = httpevent
httpeventServers = {"servers":[{"protocol":"https","address":"idx1","port":"8088"}]}

[hec_proto\\.log]
outputMode = metric_httpevent
httpeventServers = {"servers":[{"protocol":"ftp","address":"idx1","port":"8088","key":"k"}]}

[syslog_proto\\.log]
outputMode = syslogout
syslogProtocol = rfc9999

[syslog_ca\\.log]
outputMode = syslogout
syslogTransport = tls
syslogCaFile = missing-ca.pem

[tcp\\.log]
outputMode = tcpout
tcpDestinationHost =

[udp\\.log]
outputMode = udpout
udpDestinationHost =

[stream\\.log]
outputMode = splunkstream
splunkHost = idx

[file\\.log]
outputMode = file
fileName =

[good\\.log]
outputMode = httpevent
${GOOD_HEC}
`;

describe('eventgen validate: output settings checked before a run', () => {
  test('each broken stanza is named with file:line [stanza] setting = value, and validate exits 1', async () => {
    const s = scratch(BROKEN);
    try {
      const r = await runCli(['validate', s.conf]);
      const at = (line: string) => `ERROR ${s.conf}:${s.lineOf(line)}`;
      const expected = [
        // JSON that does not parse is the schema's to report (a json setting), as before.
        `${at('httpeventServers = {"servers": [')} [hec_json\\.log] httpeventServers = "{\\"servers\\": [": httpeventServers is not valid JSON`,
        // JSON of the wrong shape, a missing key, a bad protocol: only the output knew, at run time.
        `${at('httpeventServers = {"hosts": ["idx1:8088"]}')} [hec_shape\\.log] httpeventServers = "{\\"hosts\\": [\\"idx1:8088\\"]}": httpeventServers: must be a JSON object with a "servers" list`,
        `${at('httpeventServers = {"servers":[{"protocol":"https","address":"idx1","port":"8088"}]}')} [hec_nokey\\.log] httpeventServers = "{\\"servers\\":[{\\"protocol\\":\\"https\\",\\"address\\":\\"idx1\\",\\"port\\":\\"8088\\"}]}": httpeventServers: server 1 has no "key"`,
        `${at('httpeventServers = {"servers":[{"protocol":"ftp","address":"idx1","port":"8088","key":"k"}]}')} [hec_proto\\.log] httpeventServers = "{\\"servers\\":[{\\"protocol\\":\\"ftp\\",\\"address\\":\\"idx1\\",\\"port\\":\\"8088\\",\\"key\\":\\"k\\"}]}": httpeventServers: server 1 has "protocol": "ftp"; expected "http" or "https"`,
        `${at('syslogProtocol = rfc9999')} [syslog_proto\\.log] syslogProtocol = "rfc9999": syslogProtocol must be one of rfc3164, rfc5424. This stanza is skipped.`,
        `${at('syslogCaFile = missing-ca.pem')} [syslog_ca\\.log] syslogCaFile = "missing-ca.pem": syslogCaFile cannot be read (`,
        `${at('tcpDestinationHost =')} [tcp\\.log] tcpDestinationHost = "": tcpDestinationHost is not set; it must name the receiver`,
        `${at('udpDestinationHost =')} [udp\\.log] udpDestinationHost = "": udpDestinationHost is not set; it must name the receiver`,
        // Not set at all: the stanza's own line.
        `${at('[stream\\.log]')} [stream\\.log] splunkUser: set splunkUser and splunkPass (or sessionKey) to send to https://idx:8089`,
        `${at('fileName =')} [file\\.log] fileName = "": outputMode = file needs fileName`,
      ];
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('ERROR'));
      for (const e of expected) expect({ e, found: errors.filter((l) => l.startsWith(e)).length }).toEqual({ e, found: 1 });
      expect(errors).toHaveLength(expected.length);
      expect(r.stderr).not.toContain('[good\\.log]');
      expect(r.stdout).toBe(`1 sample(s) ready; ${expected.length} error(s), 0 warning(s).\n`);
      expect(r.code).toBe(1);
    } finally {
      s.cleanup();
    }
  });

  test('good output settings validate clean', async () => {
    const s = scratch(`[hec\\.log]
outputMode = httpevent
${GOOD_HEC}

[metrics\\.log]
outputMode = metric_httpevent
httpeventServers = {"servers":[{"protocol":"http","address":"idx2","port":8088,"key":"k2"}]}

[syslog\\.log]
outputMode = syslogout
syslogTransport = tcp
syslogProtocol = rfc5424

[tcp\\.log]
outputMode = tcpout

[udp\\.log]
outputMode = udpout

[stream\\.log]
outputMode = splunkstream
splunkHost = idx
splunkUser = admin
splunkPass = changeme

[file\\.log]
outputMode = file
fileName = out/file.log
`);
    try {
      const r = await runCli(['validate', s.conf], { cwd: s.dir });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('7 sample(s) ready; 0 error(s), 0 warning(s).\n');
      expect(r.code).toBe(0);
      // Checking opened nothing: the file output's folder was not even made.
      expect(existsSync(join(s.dir, 'out'))).toBe(false);
    } finally {
      s.cleanup();
    }
  });
});

describe('eventgen generate: the same checks at start', () => {
  test('a broken output stanza does not start, with the validate message; the others run; exit 1', async () => {
    const s = scratch(`[broken\\.log]
outputMode = httpevent
httpeventServers = {"servers":[{"protocol":"tcp","address":"idx1","port":"8088","key":"k"}]}

[fine\\.log]
outputMode = stdout
`);
    try {
      const r = await runCli(['generate', s.conf, '--now', '2026-01-01T00:00:00Z', '-e', '1']);
      expect(r.stdout).toBe('hello\nworld\n');
      expect(r.stderr).toBe(
        `ERROR ${s.conf}:${s.lineOf('httpeventServers = {"servers":[{"protocol":"tcp","address":"idx1","port":"8088","key":"k"}]}')} [broken\\.log] httpeventServers = "{\\"servers\\":[{\\"protocol\\":\\"tcp\\",\\"address\\":\\"idx1\\",\\"port\\":\\"8088\\",\\"key\\":\\"k\\"}]}": httpeventServers: server 1 has "protocol": "tcp"; expected "http" or "https"\n`,
      );
      expect(r.code).toBe(1);
    } finally {
      s.cleanup();
    }
  });
});

describe('PLUGINS.md: the check() of the jsonfile example', () => {
  test('validate prints the documented line for a jsonFile that names a folder, and nothing for the fixture as shipped', async () => {
    const t = tempDir('eg-checks-doc-');
    try {
      const app = join(t.dir, 'beta_outputs');
      cpSync(join(FIXTURES, 'beta_outputs'), app, { recursive: true });
      const clean = await runCli(['validate', app]);
      expect(clean.stderr).toBe('');
      expect(clean.code).toBe(0);

      const conf = join(app, 'default', 'eventgen.conf');
      writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^jsonFile = .*$/m, 'jsonFile = out/'));
      const r = await runCli(['validate', app]);
      expect(r.code).toBe(1);
      const documented = /\nERROR …\/beta_outputs\/[^\n]*\n/.exec(readFileSync(join(REPO, 'PLUGINS.md'), 'utf8'))![0].trim();
      const shown = r.stderr.trim().split(`${t.dir}/`).join('…/').replace(/\(…\/beta_outputs\/lib\/plugins\/output\//, '(…/');
      expect(shown).toBe(documented);
    } finally {
      t.cleanup();
    }
  });
});

describe('eventgen spec', () => {
  test('without a config: the shipped README/eventgen.conf.spec', async () => {
    const r = await runCli(['spec']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(REPO, 'README', 'eventgen.conf.spec'), 'utf8'));
  });

  test('with an app: the settings of its plugins, each under a heading naming plugin and app', async () => {
    const r = await runCli(['spec', join(FIXTURES, 'beta_outputs')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        '# ── output plugin jsonfile — app beta_outputs (lib/plugins/output/jsonfile.js) ────────────────',
        '# Appends events as JSON lines to jsonFile.',
        '',
        'jsonFile = <path>',
        '* File the jsonfile output appends to (relative: to the eventgen.conf folder).',
        '',
      ].join('\n'),
    );
    expect(r.stdout).toContain('# ── rater plugin business_hours — app beta_outputs (lib/plugins/rater/business_hours.js) ──────\n# Full count from 09:00 to 17:59 UTC on weekdays, offHoursFactor × count otherwise.\n\noffHoursFactor = <number>\n');
    // Every built-in setting is there too.
    expect(r.stdout).toContain('httpeventServers = <JSON>');
  });

  test('plugins that fail to load are reported on stderr, and the exit status says the spec is incomplete', async () => {
    const r = await runCli(['spec', join(FIXTURES, 'trouble_app')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('plugin file could not be loaded: cannot find module "left-pad"');
    expect(r.stdout).toContain('# ── output plugin flaky — app trouble_app (lib/plugins/output/flaky.js)');
    expect((await runCli(['spec', '/no/such/app'])).code).toBe(2);
  });
});
