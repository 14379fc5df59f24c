/**
 * The process's stdout, shared by every output that writes there (stdout, modinput), so that
 * their writes never interleave mid-event. Chunks are handed to the stream as they come and
 * backpressure is honoured: write() resolves once the stream can take more.
 */
import type { Writable } from 'node:stream';

export class StdoutSink {
  #broken?: Error;
  #users = 0;
  constructor(readonly stream: Writable = process.stdout) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      // EPIPE: the reader went away (e.g. `| head`); later writes fail fast instead of crashing.
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

  write(chunk: string): Promise<void> | void {
    if (this.#broken) throw this.#broken;
    if (this.stream.write(chunk)) return;
    return new Promise((resolve, reject) => {
      const onDrain = () => {
        this.stream.off('error', onError);
        resolve();
      };
      const onError = (e: Error) => {
        this.stream.off('drain', onDrain);
        reject(e);
      };
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
    });
  }
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
