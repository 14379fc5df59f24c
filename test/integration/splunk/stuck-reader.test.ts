/**
 * splunkd stops reading the input's stdout (the pipe fills up), then asks it to stop (SIGTERM).
 * Events are written to the pipe from libuv's thread pool (StdoutSink), where a write can wait
 * for a reader forever; the hard exit must still end the process on time.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputXml, makeSplunkHome, SCRIPT } from './support';
import { splunkdEnv } from '../../stand-ins/splunkd';

test('SIGTERM while splunkd has stopped reading: the input ends within its hard-exit time', async () => {
  const h = await makeSplunkHome(['app_auth']);
  try {
    const app = join(h.apps, 'app_flood');
    cpSync(join(h.apps, 'app_auth'), app, { recursive: true });
    writeFileSync(join(app, 'default', 'eventgen.conf'), '[flood]\ngenerator = windbag\ncount = 200000\ninterval = 1\nindex = main\n');
    mkdirSync(join(app, 'samples'), { recursive: true });
    const env = { ...splunkdEnv(h.home, {}), EVENTGEN_HARD_EXIT_MS: '1500' };
    const child = spawn(SCRIPT, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdin.end(inputXml(h, h.checkpointDir('stuck'), { params: { apps: 'app_flood' } }));
    const exited = new Promise<string>((r) => child.on('exit', (code, signal) => r(`${code} ${signal}`)));
    await new Promise<void>((r) => child.stdout.once('data', () => r()));
    child.stdout.pause(); // splunkd stops reading; the pipe fills up and a write waits in the pool
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = Date.now();
    child.kill('SIGTERM');
    const how = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running'), 8000))]);
    const ms = Date.now() - t0;
    if (how === 'still running') child.kill('SIGKILL');
    expect(how).not.toBe('still running');
    expect(ms).toBeLessThan(6000);
    expect(err).toMatch(/Did not finish within 1500 ms of the stop request; exiting now/);
  } finally {
    await h.close();
  }
}, 20000);
