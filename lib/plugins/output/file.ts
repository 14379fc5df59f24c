/**
 * `file`: appends events as lines to `fileName`, rotating before the file would grow past
 * `fileMaxBytes` (fileName → fileName.1 → … → fileName.<fileBackupFiles>, the oldest deleted),
 * like the original and Python's RotatingFileHandler. Rotation happens between events, so a
 * file never ends mid-event.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Output, OutputPlugin, SampleSpec } from '../api';
import { PermanentError, PLUGIN_API_VERSION } from '../api';
import { encodeLines } from './stdout';
import { expandVars } from '../../util/paths';

export function fileOutputPath(sample: SampleSpec, setting = 'fileName'): string {
  const v = sample.settings[setting];
  if (typeof v !== 'string' || v.trim() === '') throw new PermanentError(`outputMode = file needs ${setting}`);
  return resolve(expandVars(v.trim()));
}

export class RotatingFile implements Output {
  #fd: number;
  #size: number;

  constructor(readonly path: string, readonly maxBytes: number, readonly backups: number) {
    mkdirSync(dirname(path), { recursive: true });
    this.#fd = openSync(path, 'a');
    this.#size = fstatSync(this.#fd).size;
  }

  send(batch: { encoded?: string; events?: readonly { raw: string }[] }): void {
    const buf = Buffer.from(batch.encoded ?? encodeLines((batch.events ?? []) as never), 'utf8');
    if (this.maxBytes <= 0 || this.#size + buf.length <= this.maxBytes) {
      this.#write(buf);
      return;
    }
    // Split on line boundaries so that each file stays under maxBytes where events allow it.
    let start = 0;
    while (start < buf.length) {
      let end = start;
      let next = buf.indexOf(10, end);
      while (next >= 0 && this.#size + (next + 1 - start) <= this.maxBytes) {
        end = next + 1;
        next = buf.indexOf(10, end);
      }
      if (end === start) {
        // Not even one more event fits: rotate, unless the file is empty (an oversize event).
        if (this.#size > 0) {
          this.#rotate();
          continue;
        }
        end = next < 0 ? buf.length : next + 1;
      }
      this.#write(buf.subarray(start, end));
      start = end;
    }
  }

  #write(buf: Buffer): void {
    let off = 0;
    while (off < buf.length) off += writeSync(this.#fd, buf, off, buf.length - off);
    this.#size += buf.length;
  }

  #rotate(): void {
    closeSync(this.#fd);
    if (this.backups > 0) {
      rmSync(`${this.path}.${this.backups}`, { force: true });
      for (let i = this.backups - 1; i >= 1; i--) {
        if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      }
      renameSync(this.path, `${this.path}.1`);
    } else {
      rmSync(this.path, { force: true });
    }
    this.#fd = openSync(this.path, 'a');
    this.#size = 0;
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }
}

const plugin: OutputPlugin = {
  kind: 'output',
  name: 'file',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Appends events as lines to fileName, with size-based rotation.',
  batchSize: 5000,
  encode: encodeLines,
  instanceKey: (sample) => `file:${fileOutputPath(sample)}`,
  create(sample) {
    const s = sample.settings;
    return new RotatingFile(fileOutputPath(sample), Number(s.fileMaxBytes), Number(s.fileBackupFiles));
  },
};
export default plugin;
