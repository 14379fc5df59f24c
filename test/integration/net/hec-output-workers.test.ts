/**
 * `outputWorkers` from [global] reaches the output runner: with a HEC that takes 150 ms per
 * request, 4 output workers keep several requests in flight at once and 1 keeps exactly one;
 * every event arrives once either way.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HecStandIn } from '../../stand-ins/hec';
import { runCli } from '../../helpers/cli';

async function runWith(outputWorkers: number): Promise<{ maxInFlight: number; ids: number[]; code: number | null; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-outw-'));
  const hec = await HecStandIn.start({ responseDelayMs: 150 });
  try {
    writeFileSync(join(dir, 'seq.sample'), 'event n=@@n\n');
    writeFileSync(
      join(dir, 'eventgen.conf'),
      [
        '[global]',
        `outputWorkers = ${outputWorkers}`,
        '',
        '[seq\\.sample]',
        'count = 4000',
        'end = 1',
        'outputMode = httpevent',
        `httpeventServers = ${JSON.stringify({ servers: [hec.server()] })}`,
        'httpeventMaxPayloadSize = 1000000',
        'token.0.token = @@n',
        'token.0.replacementType = integerid',
        'token.0.replacement = 0',
        '',
      ].join('\n'),
    );
    const r = await runCli(['generate', join(dir, 'eventgen.conf'), '--now', '2026-01-01T00:00:00Z'], { cwd: dir, env: { TZ: 'UTC' } });
    const ids = hec.indexed.map((e) => Number(/n=(\d+)/.exec(String(e.event))?.[1]));
    return { maxInFlight: hec.maxInFlight, ids, code: r.code, stderr: r.stderr };
  } finally {
    await hec.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('outputWorkers = 4: several HEC requests in flight at once, every event once', async () => {
  const r = await runWith(4);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.maxInFlight).toBeGreaterThan(1);
  expect(r.maxInFlight).toBeLessThanOrEqual(4);
  expect([...r.ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 4000 }, (_, i) => i));
});

test('outputWorkers = 1: one request at a time, in order', async () => {
  const r = await runWith(1);
  expect(r.code).toBe(0);
  expect(r.maxInFlight).toBe(1);
  expect(r.ids).toEqual(Array.from({ length: 4000 }, (_, i) => i));
});
