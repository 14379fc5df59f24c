import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RotatingFile } from '../../../lib/plugins/output/file';
import { tempDir } from '../../helpers/cli';

const ev = (raw: string) => ({ raw, time: 0, index: 'main', host: 'h', source: 's', sourcetype: 'st' });
const batch = (...raws: string[]) => ({ count: raws.length, events: raws.map(ev) });

describe('file and spool writing', () => {
  test('rotates between events: no file over maxBytes, the oldest backup dropped', () => {
    const t = tempDir();
    const path = join(t.dir, 'out.log');
    const f = new RotatingFile(path, 12, 2);
    for (let i = 0; i < 8; i++) f.send(batch(`event ${i}`)); // 8 bytes each with the newline
    f.close();
    expect(readFileSync(path, 'utf8')).toBe('event 7\n');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('event 6\n');
    expect(readFileSync(`${path}.2`, 'utf8')).toBe('event 5\n');
    expect(existsSync(`${path}.3`)).toBe(false);
    t.cleanup();
  });

  test('a file deleted by its reader (splunkd\'s spool) or moved by logrotate is recreated', () => {
    const t = tempDir();
    const path = join(t.dir, 'spool', 'sample.log');
    const f = new RotatingFile(path, 0, 0);
    f.send(batch('a', 'b'));
    rmSync(path);
    f.send(batch('c'));
    expect(readFileSync(path, 'utf8')).toBe('c\n');
    renameSync(path, `${path}.old`);
    f.send(batch('d'));
    f.close();
    expect(readFileSync(path, 'utf8')).toBe('d\n');
    expect(readFileSync(`${path}.old`, 'utf8')).toBe('c\n');
    t.cleanup();
  });

  test('rotation still works when the active file vanished meanwhile', () => {
    const t = tempDir();
    const path = join(t.dir, 'out.log');
    const f = new RotatingFile(path, 10, 1);
    f.send(batch('12345678'));
    rmSync(path);
    f.send(batch('abcdefgh', 'ijklmnop'));
    f.close();
    expect(readFileSync(path, 'utf8')).toBe('ijklmnop\n');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('abcdefgh\n');
    t.cleanup();
  });

  test('raw text is written unchanged (trailing spaces kept), one event per line', () => {
    const t = tempDir();
    const path = join(t.dir, 'o.log');
    const f = new RotatingFile(path, 0, 0);
    f.send(batch('x  ', 'multi\nline'));
    f.close();
    expect(readFileSync(path, 'utf8')).toBe('x  \nmulti\nline\n');
    t.cleanup();
  });
});
