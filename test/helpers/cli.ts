/**
 * Runs the built CLI (bin/eventgen) the way a user does, and gives each test its own writable
 * copy of the original's corpus (shared/ is read-only, and its configs write to
 * tests/large/results/ relative to the working directory).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..');
export const CLI = join(REPO, 'bin', 'eventgen');
export const CORPUS = process.env.EVENTGEN_CORPUS ?? resolve(REPO, '..', 'shared', 'corpus', 'eventgen');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; killAfterMs?: number; signal?: NodeJS.Signals } = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const start = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? REPO, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = opts.killAfterMs ? setTimeout(() => child.kill(opts.signal ?? 'SIGTERM'), opts.killAfterMs) : undefined;
    child.on('error', fail);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      done({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - start });
    });
  });
}

/** A private writable copy of a corpus folder (tests/large by default); returns the folder to run in. */
export function corpusWorkdir(part = join('tests', 'large')): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'eventgen-corpus-'));
  cpSync(join(CORPUS, part), join(dir, part), { recursive: true });
  mkdirSync(join(dir, 'tests', 'large', 'results'), { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function tempDir(prefix = 'eventgen-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `2026-01-01 00:00:05` → epoch ms, reading the text as UTC (tests run the CLI with TZ=UTC). */
export function utcMs(text: string): number {
  return Date.parse(text.replace(' ', 'T') + 'Z');
}
