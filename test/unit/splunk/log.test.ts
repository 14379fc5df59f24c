/** The splunkd logger: level tokens on stderr, redaction, the eventgen.log file, never stdout. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSplunkLogger, formatSplunkLogLine } from '../../../lib/splunk/log';
import { parseStderrLine } from '../../stand-ins/splunkd';

describe('createSplunkLogger', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, stream: { write: (s: string) => lines.push(s) } };
  };

  test('level tokens splunkd understands, one line per record, fields as JSON', () => {
    const { lines, stream } = capture();
    const log = createSplunkLogger({ level: 'trace', stderr: stream, bindings: { stanza: 'eventgen://x' } });
    log.trace('t');
    log.debug({ n: 1 }, 'd');
    log.info('i');
    log.warn('w');
    log.error(new Error('boom\nsecond line'));
    log.fatal('multi\nline\r\nmessage');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['DEBUG', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']);
    expect(lines[1]).toBe('DEBUG d {"stanza":"eventgen://x","n":1}\n');
    expect(lines.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1)).toBe(true);
    expect(lines[4]).toMatch(/^ERROR boom\\nsecond line \{"stanza":"eventgen:\/\/x","err":\{"type":"Error","message":"boom\\nsecond line","stack":/);
    expect(lines[5]).toBe('FATAL multi\\nline\\nmessage {"stanza":"eventgen://x"}\n');
    // The stand-in (splunkd's rule) files each line at the level the logger meant.
    expect(lines.map((l) => parseStderrLine(l.trimEnd()).level)).toEqual(['DEBUG', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']);
  });

  test('the level follows verbosity words and numbers; default info', () => {
    const { lines, stream } = capture();
    createSplunkLogger({ stderr: stream }).debug('hidden');
    createSplunkLogger({ level: '40', stderr: stream }).warn('hidden');
    createSplunkLogger({ level: 'WARNING', stderr: stream }).warn('shown');
    expect(lines).toEqual(['WARN shown\n']);
    expect(formatSplunkLogLine('not json')).toBe('ERROR not json\n');
  });

  test('secrets are redacted on stderr and in the file', () => {
    const { lines, stream } = capture();
    const file = join(mkdtempSync(join(tmpdir(), 'log-')), 'eventgen.log');
    const log = createSplunkLogger({ stderr: stream, logFile: file });
    log.info({
      sessionKey: 's1', input: { session_key: 's2', serverUri: 'https://127.0.0.1:8089' }, token: 't1',
      request: { headers: { Authorization: 'Splunk s3' } },
      httpeventServers: { servers: [{ address: 'hec', key: 'k1' }, { address: 'hec2', key: 'k2' }] },
      conf: { httpeventServers: { servers: [{ key: 'k3' }] } },
    }, 'starting');
    const fileText = readFileSync(file, 'utf8');
    for (const out of [lines.join(''), fileText]) {
      for (const secret of ['s1', 's2', 's3', 't1', 'k1', 'k2', 'k3']) expect(out).not.toContain(`"${secret}"`);
      expect(out).not.toContain('Splunk s3');
      expect(out).toContain('[REDACTED]');
      expect(out).toContain('https://127.0.0.1:8089');
    }
  });

  test('the file goes to $SPLUNK_HOME/var/log/splunk/eventgen.log as JSON lines', () => {
    const home = mkdtempSync(join(tmpdir(), 'splunkhome-'));
    const log = createSplunkLogger({ stderr: false, splunkHome: home, level: 'debug' });
    log.debug({ a: 1 }, 'hello');
    const line = JSON.parse(readFileSync(join(home, 'var', 'log', 'splunk', 'eventgen.log'), 'utf8').trim());
    expect(line).toMatchObject({ level: 20, msg: 'hello', a: 1 });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  test('never writes to stdout (default stderr, and with every destination off)', () => {
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      createSplunkLogger().info('to stderr');
      createSplunkLogger({ stderr: false, logFile: false }).error('nowhere');
      expect(out).not.toHaveBeenCalled();
      expect(err).toHaveBeenCalledWith('INFO to stderr\n');
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});
