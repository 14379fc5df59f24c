/**
 * Bad input for the time-faithful generators: each bad stanza stops with a clear message that
 * names it, and the good stanzas in the same file still run.
 */
import { join } from 'node:path';
import { corpusCopy, lines, NOW, runCli, scratch } from './support';

let work: ReturnType<typeof corpusCopy>;
beforeAll(() => {
  work = corpusCopy();
});
afterAll(() => work.cleanup());

const TOKEN = `token.0.token = \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}
token.0.replacementType = replaytimestamp
token.0.replacement = %Y-%m-%d %H:%M:%S`;

test('unreadable replay times, timeMultiple 0 or negative, template errors, a missing template dir', async () => {
  const s = scratch({
    'samples/good': '2024-05-01 10:00:00 good one\n2024-05-01 10:00:02 good two\n',
    'samples/notimes': 'no time here\nnor here\n',
    'samples/mult0': '2024-05-01 10:00:00 a\n',
    'samples/multneg': '2024-05-01 10:00:00 a\n',
    'samples/templates/broken.j2': '{% for x in range(2) %}\n{"_time": "1", "_raw": "x {{ x }"}\n{% endfor %}\n',
    'samples/templates/unclosed.j2': '{% for x in range(2) %}{"_time": "1", "_raw": "x"}\n',
    'eventgen.conf': `[global]
outputMode = stdout
end = 1
interval = 0

[good]
mode = replay
${TOKEN}

[notimes]
mode = replay
${TOKEN}

[mult0]
mode = replay
timeMultiple = 0
${TOKEN}

[multneg]
mode = replay
timeMultiple = -2
${TOKEN}

[jinja_broken]
generator = jinja
jinja_target_template = broken.j2

[jinja_unclosed]
generator = jinja
jinja_target_template = unclosed.j2

[jinja_nodir]
generator = jinja
jinja_template_dir = no_such_dir
jinja_target_template = x.j2

[windbag_ok]
generator = windbag
count = 2
`,
  });
  try {
    const r = await runCli(['generate', 'eventgen.conf', '--now', NOW], s.dir);
    expect(r.code).toBe(1);
    const out = lines(r.stdout);
    expect(out.filter((l) => l.includes('good one') || l.includes('good two'))).toHaveLength(2);
    expect(out.filter((l) => l.includes('WINDBAG'))).toHaveLength(2);
    const err = r.stderr;
    const about = (stanza: string) => err.split('\n').filter((l) => l.includes(stanza)).join('\n');
    expect(about('notimes')).toMatch(/cannot read the time of any of the 2 events/);
    expect(about('[mult0]')).toMatch(/timeMultiple must be greater than 0/);
    expect(about('[multneg]')).toMatch(/timeMultiple must be greater than 0/);
    expect(about('jinja_broken')).toMatch(/broken\.j2.*Line 2/);
    expect(about('jinja_unclosed')).toMatch(/unclosed\.j2/);
    expect(about('jinja_nodir')).toMatch(/jinja_template_dir = "no_such_dir": the folder .*no_such_dir does not exist/);
  } finally {
    s.cleanup();
  }
});

test('some unreadable replay times: skipped, reported once with their count', async () => {
  const dir = join(work.dir, 'tests', 'sample_eventgen_conf', 'replay');
  const r = await runCli(['generate', 'eventgen.conf.badtimestamp', '--now', NOW, '--end', '2', '--interval', '0'], dir);
  expect(r.code).toBe(0);
  expect(lines(r.stdout)).toHaveLength(6);
  const notes = r.stderr.split('\n').filter((l) => l.includes('cannot be read'));
  expect(notes).toHaveLength(1);
  expect(notes[0]).toMatch(/skips 6 of 9 events/);
});

test('validate reports the same set-up errors without generating', async () => {
  const s = scratch({
    'samples/templates/broken.j2': '{% if %}',
    'eventgen.conf': `[jinja_broken]
generator = jinja
jinja_target_template = broken.j2
`,
  });
  try {
    const r = await runCli(['validate', 'eventgen.conf'], s.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[jinja_broken\].*broken\.j2/);
  } finally {
    s.cleanup();
  }
});
