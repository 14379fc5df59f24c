/**
 * Template generators through the CLI: the original's jinja configs and templates (its custom
 * time_now / time_slice tags, includes, macros) and the windbag and counter generators.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, corpusCopy, lines, NOW, NOW_MS, scratch, stampOf, generateOk, largeConf } from './support';

let work: ReturnType<typeof corpusCopy>;
beforeAll(() => {
  work = corpusCopy();
});
afterAll(() => work.cleanup());

const gen = generateOk;
const large = largeConf;

describe('jinja, as the original tests it', () => {
  test.each([
    ['eventgen_jinja_simple', 'test jinja template generator'],
    ['eventgen_jinja_tmpl_dir', 'test jinja template directory conf'],
  ])('%s: 10 lines "<ts> %s, seq: i/10", in order, ts within ±3 s of now', async (conf, text) => {
    const r = await gen(work.dir, large(conf), '--now', NOW);
    const ls = lines(r.stdout);
    expect(ls).toHaveLength(10);
    ls.forEach((l, i) => {
      expect(l).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2} ${text}, seq: ${i + 1}/10$`));
      expect(Math.abs(stampOf(l) - NOW_MS)).toBeLessThanOrEqual(3000);
    });
  });

  test('eventgen_jinja_simple on the real clock: ts within ±3 s', async () => {
    const r = await gen(work.dir, large('eventgen_jinja_simple'));
    for (const l of lines(r.stdout)) expect(Math.abs(stampOf(l) - Date.now())).toBeLessThanOrEqual(3000);
  });

  test('eventgen_jinja_advance: 27 lines (9 three-line events), time_slice times 00:24:16 / 00:27:58 / 00:31:40; as the original printed', async () => {
    const r = await gen(work.dir, large('eventgen_jinja_advance'), '--now', NOW);
    const ls = lines(r.stdout);
    expect(ls).toHaveLength(27);
    const firsts = ls.filter((_, i) => i % 3 === 0);
    expect(firsts.map((l) => l.slice(0, 19))).toEqual(Array(3).fill(['1970-01-01T00:24:16', '1970-01-01T00:27:58', '1970-01-01T00:31:40']).flat());
    expect(firsts[0]).toBe('1970-01-01T00:24:16 [admin] test jinja template advance, switch=True, seq: 1/3');
    // Byte for byte what the original wrote (observed with TZ=UTC).
    expect(r.stdout).toBe(readFileSync(join(CORPUS, 'observed-output', 'eventgen_jinja_advance.out'), 'utf8'));
  });

  test('sample_eventgen_conf/jinja: includes, blocks, macros, time examples', async () => {
    const dir = join(work.dir, 'tests', 'sample_eventgen_conf', 'jinja');
    const ex = await gen(dir, 'eventgen.conf.jinja_example', '--now', NOW);
    expect(ex.stdout).toContain('If you see this, you successfully imported another jinja template.');
    expect(lines(ex.stdout).filter((l) => /userID=\d+ User messsage is 'new guid is: \d{6}', sender=mockSender$/.test(l))).toHaveLength(10);
    const times = await gen(dir, 'eventgen.conf.jinja_time_examples', '--now', NOW);
    expect(times.stdout).toContain('eventgen_latest_epoch: 1704067200');
    expect(times.stdout).toContain('Formatted_Time_Custom: 00:27  Epoch_Time: 1678.4');
  });
});

describe('windbag and counter', () => {
  test('sample_eventgen_conf/windbag: 5 events per interval, 3 intervals 3 s apart', async () => {
    const r = await gen(join(work.dir, 'tests', 'sample_eventgen_conf', 'windbag'), 'eventgen.conf.windbag', '--now', NOW);
    const ls = lines(r.stdout);
    expect(ls).toHaveLength(15);
    ls.forEach((l, i) => expect(l).toBe(`2024-01-01 00:00:0${3 * Math.floor(i / 5)} -0700 WINDBAG Event ${(i % 5) + 1} of 5`));
  });

  test('counter: count steps, cycles to end_count, counting down', async () => {
    const s = scratch({
      'eventgen.conf': `[counter1]
generator = counter
earliest = -3s
latest = now
count = 10
end = 1
outputMode = stdout

[counter4]
generator = counter
end_count = 10
count = 4
end = 1
outputMode = stdout
count_template = {samplename} {loop_count}/{max_loop} {current_count}

[counter6]
generator = counter
start_count = 10
end_count = 0
count_by = -1
end = 1
outputMode = stdout
count_template = {samplename} {current_count} of {end_count}
`,
    });
    try {
      const r = await gen(s.dir, 'eventgen.conf', '--now', NOW);
      const ls = lines(r.stdout);
      const c1 = ls.filter((l) => l.includes('sample:counter1'));
      expect(c1).toHaveLength(10);
      expect(c1[0]).toBe('2023-12-31 23:59:57.300000-0700 Counter for sample:counter1, Now processing event counting 1 of 1 cycles. Counter Values: Start_Count: 0.0 Current_Counter:1.0 End_Count:10.0 Counting_By: 1.0');
      expect(c1[9]).toMatch(/^2024-01-01 00:00:00-0700 .*Current_Counter:10\.0 /);
      expect(ls.filter((l) => l.startsWith('counter4 '))).toHaveLength(40);
      expect(ls.filter((l) => l.startsWith('counter6 '))).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((v) => `counter6 ${v}.0 of 0.0`));
    } finally {
      s.cleanup();
    }
  });
});
