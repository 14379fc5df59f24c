/**
 * The shared stdout writer: slices big chunks, honours backpressure, and turns a closed reader
 * (EPIPE) into a fatal PermanentError instead of a crash or endless retries; on the real stdout,
 * writes to fd 1 from the thread pool when it is a pipe or a file.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { PermanentError } from '../../../lib/plugins/api';
import { StdoutSink } from '../../../lib/output/stdout-sink';

class SlowWritable extends Writable {
  readonly chunks: Buffer[] = [];
  constructor(readonly delayMs: number) {
    super({ highWaterMark: 1024 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    setTimeout(cb, this.delayMs);
  }
}

describe('StdoutSink', () => {
  test('writes big chunks in slices, waiting for drain, and keeps the bytes in order', async () => {
    const w = new SlowWritable(1);
    const sink = new StdoutSink(w, 4096);
    const text = Array.from({ length: 2000 }, (_, i) => `line ${i} é\n`).join('');
    await sink.write(text);
    await sink.write(Buffer.from('tail\n'));
    await new Promise<void>((res) => w.end(res));
    expect(Buffer.concat(w.chunks).toString('utf8')).toBe(text + 'tail\n');
    expect(Math.max(...w.chunks.map((c) => c.length))).toBeLessThanOrEqual(4096);
  });

  test('writers that do not wait for each other never interleave, even within sliced chunks', async () => {
    const w = new SlowWritable(1);
    const sink = new StdoutSink(w, 4096);
    const a = Buffer.alloc(50_000, 0x61);
    const b = 'b'.repeat(30_000);
    const c = Buffer.from('c\n');
    await Promise.all([sink.write(a), sink.write(b), sink.write(c)]);
    await new Promise<void>((res) => w.end(res));
    expect(Buffer.concat(w.chunks).toString('latin1')).toBe('a'.repeat(50_000) + b + 'c\n');
  });

  test('a stream destroyed while a write waits for drain: that write and the next fail, none hangs', async () => {
    const w = new Writable({ highWaterMark: 16, write: () => undefined }); // never calls back
    const sink = new StdoutSink(w, 4096);
    const first = sink.write('x'.repeat(100)).catch((e: unknown) => e);
    const second = sink.write('y').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    w.destroy();
    expect(await first).toBeInstanceOf(PermanentError);
    expect(await second).toBeInstanceOf(PermanentError);
  });

  test('a reader that went away (EPIPE) gives a fatal PermanentError', async () => {
    const w = new Writable({
      write(_c, _e, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const sink = new StdoutSink(w);
    const first = Promise.resolve(sink.write('x'.repeat(100000))).catch((e: unknown) => e);
    const err = await first;
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as PermanentError).fatal).toBe(true);
    expect(() => sink.write('more')).toThrow(/closed by its reader \(EPIPE\)/);
  });
});

/**
 * The real process stdout, in a child process running the compiled sink (needs `npm run build`):
 * what the child writes and which way it went (`mode`) are checked against what arrived.
 */
describe('StdoutSink on the process stdout', () => {
  const SINK = join(__dirname, '..', '..', '..', 'build', 'lib', 'output', 'stdout-sink.js');
  // Writes a mix of text and bytes (one chunk of 3 MB, far more than a pipe holds), awaiting each
  // write as the outputs do, then reports the mode; with `untilBroken` it writes until stdout fails.
  const CHILD = `
    const { StdoutSink } = require(${JSON.stringify(SINK)});
    const untilBroken = process.argv[1] === 'untilBroken';
    process.stdout.on('error', (e) => process.stderr.write('stream error ' + e.code + '\\n'));
    const sink = new StdoutSink();
    (async () => {
      try {
        do {
          await sink.write('first line é\\n');
          await sink.write(Buffer.alloc(3 * 1024 * 1024, 0x61));
          for (let i = 0; i < 1000; i++) await sink.write(i % 2 ? Buffer.from('b' + i + '\\n') : 's' + i + '\\n');
        } while (untilBroken);
        process.stderr.write('mode ' + sink.mode + '\\n');
      } catch (e) {
        process.stderr.write('failed ' + e.constructor.name + ' fatal=' + e.fatal + ' ' + e.message + '\\n');
      }
    })();`;
  const expected = Buffer.concat([
    Buffer.from('first line é\n'),
    Buffer.alloc(3 * 1024 * 1024, 0x61),
    Buffer.from(Array.from({ length: 1000 }, (_, i) => (i % 2 ? 'b' : 's') + i + '\n').join('')),
  ]);

  /** stdout 'pipe': Node's (a socket pair); 'fifo': a real pipe (through cat, as in `eventgen … | cat`). */
  function child(stdout: 'pipe' | 'fifo' | number, env: NodeJS.ProcessEnv = {}, arg = '') {
    const opts: SpawnOptions = { stdio: ['ignore', stdout === 'fifo' ? 'pipe' : stdout, 'pipe'], env: { ...process.env, ...env, CHILD } };
    const c = stdout === 'fifo'
      ? spawn('bash', ['-c', `set -o pipefail; "${process.execPath}" -e "$CHILD" ${arg} | cat`], opts)
      : spawn(process.execPath, ['-e', CHILD, arg], opts);
    let err = '';
    c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<string>((res) => c.on('close', () => res(err)));
    return { c, exited };
  }

  test.each(['fifo', 'pipe'] as const)('a %s: written to fd 1 from the thread pool, every byte in order, with a slow reader', async (kind) => {
    const { c, exited } = child(kind);
    const got: Buffer[] = [];
    c.stdout!.on('data', (d: Buffer) => {
      got.push(d);
      // A slow reader: the child's writes wait in the pipe.
      c.stdout!.pause();
      setTimeout(() => c.stdout!.resume(), 2);
    });
    expect(await exited).toBe('mode fd\n');
    expect(Buffer.concat(got).equals(expected)).toBe(true);
  });

  test('a regular file: written to fd 1 directly too; EVENTGEN_STDOUT_DIRECT=0 keeps the stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-sink-'));
    try {
      for (const [env, mode] of [[{}, 'fd'], [{ EVENTGEN_STDOUT_DIRECT: '0' }, 'stream']] as const) {
        const file = join(dir, `out-${mode}.txt`);
        const fd = openSync(file, 'w');
        const { exited } = child(fd, env);
        closeSync(fd);
        expect(await exited).toBe(`mode ${mode}\n`);
        expect(readFileSync(file).equals(expected)).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a reader that goes away: a fatal PermanentError, and the stream's 'error' listeners hear EPIPE", async () => {
    const { c, exited } = child('fifo', {}, 'untilBroken');
    c.stdout!.once('data', () => c.stdout!.destroy());
    const err = await exited;
    expect(err).toContain('stream error EPIPE\n');
    expect(err).toMatch(/failed PermanentError fatal=true standard output was closed by its reader \(EPIPE\)/);
  });
});
