/**
 * The process's stdout, shared by every output that writes there (stdout, modinput), so that
 * their writes never interleave mid-event: each write starts when the one before it is done.
 *
 * When stdout is a pipe, a socket or a regular file, chunks are written to fd 1 with fs.write,
 * which runs on libuv's thread pool, after making the pipe blocking: the main thread then does not
 * sit in the kernel's copy while the reader drains the pipe, and keeps handing jobs to the
 * generator threads (W1 with 2 threads: 7–11 % faster, bench/README.md; with the pipe left
 * non-blocking and a full pipe retried, 11 % slower than the stream). A pool thread blocked on a
 * reader that stopped reading would hold up process.exit(), so forced exits go through exitNow
 * (util/exit.ts). Elsewhere (a terminal, /dev/null, tests' streams, EVENTGEN_STDOUT_DIRECT=0)
 * the Writable is used, with large chunks handed over in slices of about 64 KiB (the Linux pipe
 * buffer): peers-and-limits.md §4b measured 1.4 GB/s through `| cat` with 64 KiB writes against
 * 0.97 GB/s with 1 MiB ones.
 *
 * A closed reader (EPIPE, e.g. `| head`) is a fatal PermanentError: nothing more can be
 * delivered, so the output runner stops the samples at once instead of retrying. With direct
 * writes it is also emitted as an 'error' on the stream, where the command line and the modular
 * input listen for it, as they do without them.
 */
import { fstatSync, write as fsWrite } from 'node:fs';
import type { Writable } from 'node:stream';
import { PermanentError } from '../plugins/api';

export const STDOUT_SLICE_BYTES = 64 * 1024;

export class StdoutSink {
  #broken?: Error;
  #users = 0;
  /** fd 1 when writing directly (see the file comment). */
  #fd: number | undefined;
  /** The last write queued: the next one starts when it is done. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly stream: Writable = process.stdout,
    readonly sliceBytes = STDOUT_SLICE_BYTES,
  ) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      // Later writes fail fast instead of crashing the process with an unhandled 'error'.
      this.#broken = e;
    });
    if (stream === process.stdout && process.env.EVENTGEN_STDOUT_DIRECT !== '0') this.#fd = directStdout(stream);
  }

  /** 'fd' when chunks go to fd 1 from the thread pool, 'stream' when through the Writable. */
  get mode(): 'fd' | 'stream' {
    return this.#fd === undefined ? 'stream' : 'fd';
  }

  retain(): void {
    this.#users++;
  }

  /** Returns true when this was the last user. */
  release(): boolean {
    return --this.#users === 0;
  }

  /**
   * Writes a chunk after every chunk written before it (writers never interleave, even with
   * chunks cut into slices). Resolves once the bytes are handed to the operating system (a text
   * chunk through the stream: once the stream can take more), so the caller may reuse the memory
   * (line buffers are recycled, see BufferPool).
   */
  write(chunk: string | Uint8Array): Promise<void> {
    if (this.#broken) throw brokenError(this.#broken);
    const done = this.#tail.then(() => {
      if (this.#broken) throw brokenError(this.#broken);
      if (this.#fd !== undefined) return this.#writeDirect(this.#fd, typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      if (typeof chunk !== 'string') return this.#writeSlices(chunk, true);
      if (chunk.length > this.sliceBytes) return this.#writeSlices(Buffer.from(chunk, 'utf8'), false);
      if (!this.stream.write(chunk)) return this.#drained();
    });
    this.#tail = done.catch(() => undefined);
    return done;
  }

  async #writeDirect(fd: number, buf: Uint8Array): Promise<void> {
    try {
      await writeAll(fd, buf);
    } catch (e) {
      if (!this.#broken) {
        this.#broken = e as Error;
        // Where the command line and the modular input learn that stdout is gone.
        if (this.stream.listenerCount('error') > 0) this.stream.emit('error', e);
      }
      throw brokenError(e as NodeJS.ErrnoException);
    }
  }

  async #writeSlices(buf: Uint8Array, untilWritten: boolean): Promise<void> {
    // Slices may cut a UTF-8 character in two; the reader sees one byte stream, so that is fine.
    const n = buf.byteLength;
    for (let off = 0; off < n; off += this.sliceBytes) {
      if (this.#broken) throw brokenError(this.#broken);
      const slice = buf.subarray(off, Math.min(n, off + this.sliceBytes));
      if (untilWritten && off + this.sliceBytes >= n) {
        // The last slice: its callback means everything before it was written too.
        await new Promise<void>((resolve, reject) => {
          this.stream.write(slice, (e) => (e ? reject(brokenError(e)) : resolve()));
        });
        return;
      }
      if (!this.stream.write(slice)) await this.#drained();
    }
  }

  #drained(): Promise<void> {
    if (this.stream.destroyed) return Promise.reject(brokenError(destroyedError()));
    return new Promise((resolve, reject) => {
      const done = (e?: Error) => {
        this.stream.off('drain', onDrain);
        this.stream.off('error', onError);
        this.stream.off('close', onClose);
        if (e) reject(brokenError(e));
        else resolve();
      };
      const onDrain = () => done();
      const onError = (e: Error) => done(e);
      // Destroyed without an error: no 'drain' will come, and later writes wait on this one.
      const onClose = () => done(destroyedError());
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
      this.stream.once('close', onClose);
    });
  }
}

/**
 * fd 1 if it can be written from the thread pool: a regular file, or a pipe or socket made
 * blocking, so that a pool thread waits in write(2) while the reader drains it. Terminals and
 * character devices (/dev/null) keep the stream.
 */
function directStdout(stream: Writable): number | undefined {
  if (process.platform === 'win32') return undefined;
  try {
    const st = fstatSync(1);
    if (st.isFile()) return 1;
    const handle = (stream as { _handle?: { setBlocking?: (blocking: boolean) => number } })._handle;
    if ((st.isFIFO() || st.isSocket()) && typeof handle?.setBlocking === 'function' && handle.setBlocking(true) === 0) return 1;
  } catch {
    // No fd 1 (closed): the stream reports what happens.
  }
  return undefined;
}

/** Direct writes in progress: a pool thread may be blocked in one (see exitNow in util/exit.ts). */
let directWritesInFlight = 0;
export function directWriteInFlight(): boolean {
  return directWritesInFlight > 0;
}

/**
 * Writes all of buf to fd from the thread pool. A pipe another process has made non-blocking
 * again (they share its flags) answers EAGAIN when full: retried at once a few times, then after
 * 1, 2, 4 … 32 ms, so a stalled reader costs no CPU.
 */
async function writeAll(fd: number, buf: Uint8Array): Promise<void> {
  directWritesInFlight++;
  try {
    let full = 0;
    for (let off = 0; off < buf.byteLength; ) {
      try {
        off += await new Promise<number>((res, rej) => fsWrite(fd, buf, off, buf.byteLength - off, null, (e, n) => (e ? rej(e) : res(n))));
        full = 0;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        full++;
        await new Promise((r) => (full <= EAGAIN_SPINS ? setImmediate(r) : setTimeout(r, Math.min(32, 2 ** (full - EAGAIN_SPINS - 1)))));
      }
    }
  } finally {
    directWritesInFlight--;
  }
}

/** Immediate retries of a full pipe before backing off (see writeAll). */
const EAGAIN_SPINS = 8;

function destroyedError(): NodeJS.ErrnoException {
  return Object.assign(new Error('standard output was closed'), { code: 'ERR_STREAM_DESTROYED' });
}

function brokenError(e: NodeJS.ErrnoException): Error {
  if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED' || e.code === 'ERR_STREAM_WRITE_AFTER_END') {
    return new PermanentError(`standard output was closed by its reader (${e.code})`, { fatal: true });
  }
  return new PermanentError(`standard output failed: ${e.message}`, { fatal: true });
}

let shared: StdoutSink | undefined;
export function stdoutSink(): StdoutSink {
  shared ??= new StdoutSink();
  return shared;
}
/** Tests replace stdout with their own stream. */
export function setStdoutSink(sink: StdoutSink | undefined): void {
  shared = sink;
}
