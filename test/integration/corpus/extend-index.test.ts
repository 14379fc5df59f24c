/**
 * The original's test_extend_index and test_output_plugin[httpevent], against the HEC stand-in
 * instead of a Splunk docker: events arrive with their index, sourcetype and host, and
 * extendIndexes spreads the second stanza's events over test_0 and test_1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HecStandIn } from '../../stand-ins/hec';
import { corpusWorkdir, runCli } from '../../helpers/cli';

const KEY = '00000000-0000-0000-0000-000000000000';

test('eventgen_extend_index: 12 events in main/cisco, 12 spread over test_0 and test_1', async () => {
  const work = corpusWorkdir();
  const hec = await HecStandIn.start({ tokens: [KEY] });
  try {
    const conf = join(work.dir, 'tests', 'large', 'conf', 'eventgen_extend_index.conf');
    const servers = JSON.stringify({ servers: [{ ...hec.server(KEY), port: String(hec.port) }] });
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^httpeventServers = .*$/gm, `httpeventServers = ${servers}`));
    const r = await runCli(['generate', conf, '--now', '2026-01-01T00:00:00Z'], { cwd: work.dir, env: { TZ: 'UTC' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const cisco = hec.indexed.filter((e) => e.sourcetype === 'cisco');
    const other = hec.indexed.filter((e) => e.sourcetype === 'syslog');
    expect(cisco).toHaveLength(12);
    expect(cisco.every((e) => e.index === 'main' && e.host === '127.0.0.1' && e.source === 'cisco')).toBe(true);
    expect(other).toHaveLength(12);
    expect(other.every((e) => e.index === 'test_0' || e.index === 'test_1')).toBe(true);
    for (const e of hec.indexed) expect(String(e.event)).toMatch(/^2026-01-01 00:00:00 WINDBAG Event \d+ of 12 randint \d+$/);
  } finally {
    await hec.stop();
    work.cleanup();
  }
});
