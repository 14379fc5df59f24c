/**
 * The process's stdout, shared by every output that writes there (stdout, modinput), so that
 * their writes never interleave mid-event. Backpressure is honoured: write() resolves once the
 * stream can take more.
 *
 * Large chunks are handed to the stream in slices of about 64 KiB (the Linux pipe buffer):
 * peers-and-limits.md §4b measured 1.4 GB/s through `| cat` with 64 KiB writes against 0.97 GB/s
 * with 1 MiB ones. A closed reader (EPIPE, e.g. `| head`) is a fatal PermanentError: nothing
 * more can be delivered, so the output runner stops the samples at once instead of retrying.
 */
import type { Writable } from 'node:stream';
import { PermanentError } from '../plugins/api';

/** Bytes per write() to the stream; also the threshold above which chunks are cut. */
export const STDOUT_SLICE_BYTES = 64 * 1024;

export class StdoutSink {
  #broken?: Error;
  #users = 0;
  constructor(
    readonly stream: Writable = process.stdout,
    readonly sliceBytes = STDOUT_SLICE_BYTES,
  ) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      // Later writes fail fast instead of crashing the process with an unhandled 'error'.
      this.#broken = e;
    });
  }

  retain(): void {
    this.#users++;
  }

  /** Returns true when this was the last user. */
  release(): boolean {
    return --this.#users === 0;
  }

  /**
   * Writes a chunk. Text: resolves when the stream can take more. Bytes: resolves once the
   * stream has handed every byte to the operating system, so the caller may reuse the memory
   * (line buffers are recycled, see BufferPool).
   */
  write(chunk: string | Uint8Array): Promise<void> | void {
    if (this.#broken) throw brokenError(this.#broken);
    if (typeof chunk === 'string') {
      if (chunk.length <= this.sliceBytes) {
        if (this.stream.write(chunk)) return;
        return this.#drained();
      }
      return this.#writeSlices(Buffer.from(chunk, 'utf8'), false);
    }
    return this.#writeSlices(chunk, true);
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
    return new Promise((resolve, reject) => {
      const onDrain = () => {
        this.stream.off('error', onError);
        resolve();
      };
      const onError = (e: Error) => {
        this.stream.off('drain', onDrain);
        reject(brokenError(e));
      };
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
    });
  }
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
