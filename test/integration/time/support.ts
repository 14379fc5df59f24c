/**
 * Helpers for the time-generation tests: run the built CLI like a user (in a private, writable
 * copy of the original's corpus, since its configs write to tests/large/results/ relative to
 * the working directory) and read timestamps back.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { CLI, CORPUS, corpusWorkdir, REPO } from '../../helpers/cli';

export { CLI, CORPUS, REPO };

/** The simulated start used with --now (read as UTC: the CLI runs with TZ=UTC). */
export const NOW = '2024-01-01T00:00:00';
export const NOW_MS = Date.UTC(2024, 0, 1);

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** performance.now() of the spawn, of the first and last stdout chunks, and of the process's end. */
  startedAt: number;
  firstOutputAt?: number;
  lastOutputAt?: number;
  closedAt: number;
}

/**
 * killAfterMs: SIGTERM that long after the start; killAfterOutputMs: that long after the first
 * output on stdout (independent of how long the process took to start).
 */
export function runCli(args: string[], cwd: string, opts: { env?: NodeJS.ProcessEnv; killAfterMs?: number; killAfterOutputMs?: number } = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, TZ: 'UTC', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timer = opts.killAfterMs ? setTimeout(() => child.kill('SIGTERM'), opts.killAfterMs) : undefined;
    const startedAt = performance.now();
    let firstOutputAt: number | undefined;
    let lastOutputAt: number | undefined;
    child.stdout.on('data', (b: Buffer) => {
      lastOutputAt = performance.now();
      firstOutputAt ??= lastOutputAt;
      if (out.length === 0 && opts.killAfterOutputMs) timer = setTimeout(() => child.kill('SIGTERM'), opts.killAfterOutputMs);
      out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      done({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), startedAt, firstOutputAt, lastOutputAt, closedAt: performance.now() });
    });
  });
}

/** A writable copy of the corpus's whole tests/ folder (some configs here use sample_eventgen_conf/). */
export function corpusCopy(): { dir: string; cleanup: () => void } {
  return corpusWorkdir('tests');
}

/** `eventgen generate <conf> --seed 1 …` in `cwd`; throws with stderr unless it exits 0. */
export async function generateOk(cwd: string, conf: string, ...extra: string[]): Promise<Run> {
  const r = await runCli(['generate', conf, '--seed', '1', ...extra], cwd);
  if (r.code !== 0) throw new Error(`eventgen ${conf} exited ${r.code}: ${r.stderr}`);
  return r;
}

/** The path of one of the original's functional-test configs, relative to a corpus copy. */
export const largeConf = (name: string): string => join('tests', 'large', 'conf', `${name}.conf`);

/** A scratch folder with the given files. */
export function scratch(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'eventgen-time-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(resolve(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

export function readLines(file: string): string[] {
  return lines(readFileSync(file, 'utf8'));
}

/** `2024-01-01 00:00:05[.123]` (or with a T) at the start of a line → epoch ms, read as UTC. */
export function stampOf(line: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,6}))?/.exec(line);
  if (!m) throw new Error(`no timestamp at the start of ${JSON.stringify(line)}`);
  return Date.parse(`${m[1]}T${m[2]}Z`) + Math.floor(Number(((m[3] ?? '') + '000000').slice(0, 6)) / 1000);
}

/** The <time> of each modinput <event>, in epoch ms. */
export function modinputTimes(xml: string): number[] {
  return [...xml.matchAll(/<time>([\d.]+)<\/time>/g)].map((m) => Math.round(Number(m[1]) * 1000));
}

export function modinputData(xml: string): string[] {
  return [...xml.matchAll(/<data>([\s\S]*?)<\/data>/g)].map((m) => m[1]);
}
