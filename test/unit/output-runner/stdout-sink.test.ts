/**
 * The shared stdout writer: slices big chunks, honours backpressure, and turns a closed reader
 * (EPIPE) into a fatal PermanentError instead of a crash or endless retries.
 */
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
