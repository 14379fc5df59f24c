/**
 * Broken configuration: every problem is reported with where it is (file, line, stanza,
 * setting, value), the broken stanzas stop, and the good one still generates.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../../helpers/cli';

let app: ReturnType<typeof tempDir>;
let confPath: string;

const CONF = `# a stanza that works, among broken ones
[global]
outputMode = stdout
end = 1

[good\\.sample]
count = 3

this line is not a setting

[typo\\.sample]
cuont = 5

[sample(]
count = 1

[badtoken\\.sample]
token.0.token = ([a-z
token.0.replacementType = static
token.0.replacement = x

[reversed\\.sample]
token.0.token = \\d+
token.0.replacementType = random
token.0.replacement = integer[5:1]

[nofile\\.sample]
count = 1

[tokenfile\\.sample]
token.0.token = \\d+
token.0.replacementType = file
token.0.replacement = $SAMPLES_NOT_HERE/missing.txt

[notanumber\\.sample]
count = lots
`;

beforeAll(() => {
  app = tempDir('eventgen-bad-');
  mkdirSync(join(app.dir, 'default'));
  mkdirSync(join(app.dir, 'samples'));
  confPath = join(app.dir, 'default', 'eventgen.conf');
  writeFileSync(confPath, CONF);
  for (const f of ['good.sample', 'typo.sample', 'badtoken.sample', 'reversed.sample', 'tokenfile.sample', 'notanumber.sample']) {
    writeFileSync(join(app.dir, 'samples', f), `${f} line 1 value 10\n${f} line 2 value 20\n`);
  }
});
afterAll(() => app.cleanup());

function lineOf(text: string): number {
  return CONF.split('\n').indexOf(text) + 1;
}

describe('a config with one good stanza and many broken ones', () => {
  let stderr: string;
  let stdout: string;
  let code: number | null;
  beforeAll(async () => {
    const r = await runCli(['generate', app.dir, '--now', '2026-01-01T00:00:00Z'], { env: { TZ: 'UTC' } });
    ({ stderr, stdout, code } = r);
  });

  test('the good stanza (and the one with a typo) still generate; the run exits 1', () => {
    const out = stdout.split('\n').filter(Boolean);
    expect(out.filter((l) => l.startsWith('good.sample'))).toHaveLength(3);
    expect(out.filter((l) => l.startsWith('typo.sample')).length).toBe(2);
    expect(out.every((l) => l.startsWith('good.sample') || l.startsWith('typo.sample'))).toBe(true);
    expect(code).toBe(1);
  });

  test('a malformed line names file and line', () => {
    expect(stderr).toContain(`ERROR ${confPath}:${lineOf('this line is not a setting')} [good\\.sample]: Malformed line "this line is not a setting"`);
  });

  test('an unknown setting is a warning with the nearest known name', () => {
    expect(stderr).toContain(`WARNING ${confPath}:${lineOf('cuont = 5')} [typo\\.sample] cuont = "5": unknown setting; did you mean count?`);
  });

  test('a stanza name that is not a valid regex', () => {
    expect(stderr).toMatch(new RegExp(`ERROR ${escape(confPath)}:${lineOf('[sample(]')} \\[sample\\(\\]: The stanza name is used as a regular expression.*not valid`));
  });

  test('a token regex that does not compile names the token', () => {
    expect(stderr).toMatch(/ERROR .*badtoken\\\.sample.*token\.0\.token = "\(\[a-z" is not a valid regular expression/);
  });

  test('integer[5:1] names the token and the bounds', () => {
    expect(stderr).toMatch(/ERROR .*reversed\\\.sample.*token\.0\.replacement = "integer\[5:1\]": integer\[5:1\]: the lower bound 5 is greater than the upper bound 1/);
  });

  test('a stanza with no sample file names the folder', () => {
    expect(stderr).toContain(`ERROR ${confPath}:${lineOf('[nofile\\.sample]')} [nofile\\.sample]: No sample file in ${join(app.dir, 'samples')} matches the stanza name.`);
  });

  test('a missing token file says where it looked', () => {
    expect(stderr).toMatch(/ERROR .*tokenfile\\\.sample.*file "\$SAMPLES_NOT_HERE\/missing\.txt" not found \(looked at /);
  });

  test('a non-numeric count names setting and value', () => {
    expect(stderr).toContain(`ERROR ${confPath}:${lineOf('count = lots')} [notanumber\\.sample] count = "lots": count must be a whole number. This stanza is skipped.`);
  });
});

describe('eventgen validate', () => {
  test('prints every problem and exits 1', async () => {
    const r = await runCli(['validate', app.dir]);
    expect(r.code).toBe(1);
    for (const needle of ['Malformed line', 'did you mean count?', '[sample(]', 'badtoken', 'integer[5:1]', 'nofile', 'missing.txt', 'count = "lots"']) {
      expect(r.stderr).toContain(needle);
    }
    expect(r.stdout).toMatch(/2 sample\(s\) ready; \d+ error\(s\), 1 warning\(s\)\./);
  });

  test('a clean config validates with exit 0', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'eventgen.conf'), '[x\\.log]\noutputMode = stdout\n');
      mkdirSync(join(dir, 'samples'));
      writeFileSync(join(dir, 'samples', 'x.log'), 'hello\n');
      const r = await runCli(['validate', join(dir, 'eventgen.conf')]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('1 sample(s) ready; 0 error(s), 0 warning(s).\n');
      expect(r.code).toBe(0);
    } finally {
      cleanup();
    }
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
