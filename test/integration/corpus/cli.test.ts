/** The command line's own behaviour: list, --sample, --help, usage errors, the demo. */
import { join } from 'node:path';
import { corpusWorkdir, REPO, runCli } from '../../helpers/cli';

let work: ReturnType<typeof corpusWorkdir>;
beforeAll(() => {
  work = corpusWorkdir();
});
afterAll(() => work.cleanup());

test('list shows each resolved sample with its file, generator and output', async () => {
  const r = await runCli(['list', join('tests', 'large', 'conf', 'eventgen_sample_regex_wildcard.conf')], { cwd: work.dir });
  expect(r.code).toBe(0);
  const rows = r.stdout.trim().split('\n');
  expect(rows[0]).toMatch(/^SAMPLE\s+FILE\s+GENERATOR\s+OUTPUT\s+COUNT\s+INTERVAL\s+END$/);
  expect(rows.slice(1).map((l) => l.split(/\s+/)[1].split('/').pop()).sort()).toEqual(['sample', 'sample1', 'sample2']);
});

test('--sample runs one stanza; an unknown one is an error', async () => {
  const conf = join('tests', 'large', 'conf', 'eventgen_sample.conf');
  const ok = await runCli(['generate', conf, '--sample', 'sample', '--now', '2026-01-01T00:00:00Z'], { cwd: work.dir });
  expect(ok.stdout.trim().split('\n')).toHaveLength(12);
  const bad = await runCli(['generate', conf, '--sample', 'nope'], { cwd: work.dir });
  expect(bad.stdout).toBe('');
  expect(bad.stderr).toContain('there is no stanza [nope]');
  expect(bad.code).toBe(1);
});

test('usage errors exit 2 with a message; --help and --version exit 0', async () => {
  const noCmd = await runCli([]);
  expect(noCmd.code).toBe(2);
  expect((await runCli(['frobnicate', 'x'])).stderr).toContain('unknown command "frobnicate"');
  expect((await runCli(['generate', '/no/such/file.conf'])).stderr).toBe('ERROR /no/such/file.conf: no such file or folder\n');
  expect((await runCli(['generate', 'x', '--seed', 'abc'])).code).toBe(2);
  const help = await runCli(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('Usage: eventgen <command>');
  expect((await runCli(['--version'])).stdout).toMatch(/^eventgen \d+\.\d+\.\d+\n$/);
});

test('the README demo runs and prints both sourcetypes\' events', async () => {
  const r = await runCli(['generate', 'demo/eventgen.conf', '--now', '2026-11-27T14:00:00Z', '--seed', '1'], { cwd: REPO, env: { TZ: 'UTC' } });
  expect(r.code).toBe(0);
  const ls = r.stdout.trim().split('\n');
  expect(ls.filter((l) => /^\d+\.\d+\.\d+\.\d+ - \S+ \[27\/Nov\/2026:1[34]:\d{2}:\d{2} \+0000\] "/.test(l)).length).toBeGreaterThan(20);
  expect(ls.filter((l) => /^Nov 27 1[34]:\d{2}:\d{2} web-01 (sshd|sudo)\[\d+\]/.test(l)).length).toBeGreaterThan(3);
  expect(r.stdout).not.toMatch(/@@user|"UA"/);
});

test('a dead output: the first Ctrl-C flushes, the second stops retrying and reports what was undeliverable', async () => {
  const { spawn } = await import('node:child_process');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { tempDir, CLI } = await import('../../helpers/cli');
  const t = tempDir();
  mkdirSync(join(t.dir, 'samples'));
  writeFileSync(join(t.dir, 'samples', 'a.log'), 'hello\nworld\n');
  writeFileSync(join(t.dir, 'eventgen.conf'), '[a\\.log]\nend = 1\noutputMode = httpevent\nhttpeventServers = {"servers":[{"protocol":"http","address":"127.0.0.1","port":"9","key":"k"}]}\n');
  const child = spawn(process.execPath, [CLI, 'generate', join(t.dir, 'eventgen.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  await new Promise((r) => setTimeout(r, 1200));
  child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 500));
  const t0 = Date.now();
  child.kill('SIGINT');
  const code = await exited;
  t.cleanup();
  expect(Date.now() - t0).toBeLessThan(2000);
  expect(code).toBe(1);
  expect(stderr).toContain('Output still failing at shutdown; the batch is undeliverable.');
  expect(stderr).toMatch(/0 events delivered, 2 undeliverable, 0 lost\./);
});

test('a reader that stops reading: the third Ctrl-C still ends the command at once', async () => {
  const { spawn } = await import('node:child_process');
  const { CLI } = await import('../../helpers/cli');
  // stdout is a socket pair here; the events go to it from the thread pool, where a write now
  // waits for a reader that never comes.
  const child = spawn(process.execPath, [CLI, 'generate', join(REPO, 'bench', 'configs', 'w1.conf'), '-c', '200000', '-e', '100', '--now', '2026-01-01T00:00:00Z'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<string>((r) => child.on('exit', (code, signal) => r(`${code} ${signal}`)));
  await new Promise<void>((r) => child.stdout.once('data', () => r()));
  child.stdout.pause();
  await new Promise((r) => setTimeout(r, 1000));
  for (let i = 0; i < 3; i++) {
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
  }
  const how = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running'), 3000))]);
  if (how === 'still running') child.kill('SIGKILL');
  expect(how).toBe('null SIGINT');
});

test('host.token / host.replacement: each event gets one host from the file, never a doubled one', async () => {
  const r = await runCli(['generate', 'demo/eventgen.conf', '--output', 'modinput', '--now', '2026-11-27T14:00:00Z', '--seed', '1', '-e', '1'], { cwd: REPO });
  const hosts = [...r.stdout.matchAll(/<host>([^<]*)<\/host>/g)].map((m) => m[1]);
  expect(hosts.length).toBeGreaterThan(10);
  for (const h of hosts) expect(h).toMatch(/^web-0[123]$/);
});
