/**
 * `file`: appends events as lines to `fileName`, rotating before the file would grow past
 * `fileMaxBytes` (fileName → fileName.1 → … → fileName.<fileBackupFiles>, the oldest deleted),
 * like the original and Python's RotatingFileHandler. Rotation happens between events, so a
 * file never ends mid-event.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Output, OutputPlugin, SampleSpec } from '../api';
import { PermanentError, PLUGIN_API_VERSION } from '../api';
import type { EventRecord } from '../api';
import { expandVars } from '../../util/paths';
import { checkByReading } from '../check';

/** Events as written to files: the raw text and a newline (the original wrote _raw unchanged). */
export function encodeRawLines(events: readonly EventRecord[]): string {
  let out = '';
  for (let i = 0; i < events.length; i++) out += events[i].raw + '\n';
  return out;
}

export function fileOutputPath(sample: SampleSpec, setting = 'fileName'): string {
  const v = sample.settings[setting];
  if (typeof v !== 'string' || v.trim() === '') throw new PermanentError(`outputMode = file needs ${setting}`, { setting });
  const expanded = expandVars(v.trim());
  if (/\$\{?\w/.test(expanded)) throw new PermanentError(`${setting} = ${JSON.stringify(v)} uses an unset environment variable (is SPLUNK_HOME set?)`, { setting });
  return resolve(expanded);
}

export class RotatingFile implements Output {
  #fd: number;
  #size: number;

  constructor(readonly path: string, readonly maxBytes: number, readonly backups: number) {
    mkdirSync(dirname(path), { recursive: true });
    this.#fd = openSync(path, 'a');
    this.#size = fstatSync(this.#fd).size;
  }

  send(batch: { encoded?: string; events?: readonly EventRecord[] }): void {
    const buf = Buffer.from(batch.encoded ?? encodeRawLines(batch.events ?? []), 'utf8');
    this.#reopenIfMoved();
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

  /**
   * Someone else may move or delete the file: splunkd's batch input deletes spool files once
   * indexed, logrotate renames. Writing on to the old descriptor would lose those events, so the
   * file is reopened whenever the path no longer names the file we hold open.
   */
  #reopenIfMoved(): void {
    if (this.#fd >= 0) {
      let same = false;
      try {
        const onDisk = statSync(this.path);
        const held = fstatSync(this.#fd);
        same = onDisk.ino === held.ino && onDisk.dev === held.dev;
      } catch {
        same = false;
      }
      if (same) return;
      closeSync(this.#fd);
      this.#fd = -1;
    }
    mkdirSync(dirname(this.path), { recursive: true });
    this.#fd = openSync(this.path, 'a');
    this.#size = fstatSync(this.#fd).size;
  }

  #rotate(): void {
    closeSync(this.#fd);
    this.#fd = -1;
    try {
      if (this.backups > 0) {
        rmSync(`${this.path}.${this.backups}`, { force: true });
        for (let i = this.backups - 1; i >= 1; i--) {
          if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
        }
        if (existsSync(this.path)) renameSync(this.path, `${this.path}.1`);
      } else {
        rmSync(this.path, { force: true });
      }
    } finally {
      this.#fd = openSync(this.path, 'a');
      this.#size = fstatSync(this.#fd).size;
    }
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
  encode: encodeRawLines,
  instanceKey: (sample) => `file:${fileOutputPath(sample)}`,
  check: checkByReading((sample) => fileOutputPath(sample)),
  create(sample) {
    const s = sample.settings;
    return new RotatingFile(fileOutputPath(sample), Number(s.fileMaxBytes), Number(s.fileBackupFiles));
  },
};
export default plugin;
