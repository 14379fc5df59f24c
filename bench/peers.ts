/**
 * Peers on W1 (issue 5): gogen and Python Eventgen, run beside eventgen when they are installed
 * (`bash bench/peers/install.sh` puts them in bench/peers/), with the ratio to eventgen's W1.
 *
 * Each peer runs the W1 line of peers-and-limits.md §3 with the configurations of its Appendix A
 * (bench/configs/peers/), stdout through a real pipe as eventgen's runs: `peer | cat | wc -lc`.
 * cat reads the pipe as it does in eventgen's `| cat > /dev/null`; wc counts the lines and bytes
 * that actually came through, so the figures rest on the output, not on a peer's own report.
 * Wall time runs from the spawn to the end of the pipeline, start-up and shutdown included.
 *
 * Where they are looked for (first found wins):
 * - gogen: $GOGEN_BIN, bench/peers/bin/gogen, `gogen` on PATH. Run with GOGEN_APIURL pointed at
 *   127.0.0.1 so that it cannot reach its remote config service.
 * - Python Eventgen: $EVENTGEN_PYTHON, bench/peers/venv/bin/python, python3 — the first in which
 *   `import splunk_eventgen` works.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fmtRate, median } from './stats';

const ROOT = resolve(__dirname, '..', '..');
const PEERS_DIR = join(ROOT, 'bench', 'peers');
const CONFS = join(ROOT, 'bench', 'configs', 'peers');
const GOGEN_CONF = join(CONFS, 'gogen-w1.yml');
const EVENTGEN_CONF = join(CONFS, 'eventgen-w1.conf');
/** gogen's events per interval (Appendix A); the bench sets the number of intervals. */
const GOGEN_COUNT = 10_000;
/** Eventgen's events per 1-second backfill slice (Appendix A). */
const EVENTGEN_COUNT = 5_000;
/** Eventgen runs at ≈25 k ev/s: at most this many events per run (Appendix A's 120 s backfill). */
const EVENTGEN_MAX_EVENTS = 600_000;

export interface PeerOptions {
  /** Runs per figure; the median is printed. */
  runs: number;
  /** Events per run of eventgen's W1; gogen runs as many, Eventgen at most EVENTGEN_MAX_EVENTS. */
  events: number;
  /** Cores: the peers also run with this many generator threads/processes. */
  cores: number;
  /** Run the peers that are found (false: only say which are installed). */
  run: boolean;
  /** eventgen's W1 median events/s with 1 generator thread and with one per core, when measured. */
  eventgen1?: number;
  eventgenAll?: number;
}

interface CountedRun {
  events: number;
  bytes: number;
  wallS: number;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs cmd with stdout through `| cat | wc -lc`; resolves with the counted lines and bytes. */
function countedRun(cmd: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutS: number): Promise<CountedRun> {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    // detached: its own process group, so that a timeout can end the whole pipeline.
    const child = spawn('bash', ['-c', `set -o pipefail; ${cmd.map(q).join(' ')} | cat | wc -lc`], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, cwd, detached: true });
    let out = '';
    let err = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    // Keep only the tail of stderr: Eventgen can be chatty.
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutS * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
      const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(out);
      if (timedOut) return rej(new Error(`timed out after ${timeoutS} s`));
      if (code !== 0 || !m) return rej(new Error(`exit ${code}: ${err.trim().split('\n').slice(-3).join(' / ') || '(no stderr)'}`));
      res({ events: Number(m[1]), bytes: Number(m[2]), wallS });
    });
  });
}

interface PeerCase {
  label: string;
  threads: string;
  /** Threads to compare with: 1 → eventgen's 1-thread figure, 'all' → its all-core figure. */
  compareWith: 1 | 'all';
  cmd: string[];
  env: NodeJS.ProcessEnv;
  expected: number;
  timeoutS: number;
}

async function measure(c: PeerCase, o: PeerOptions): Promise<string> {
  const results: CountedRun[] = [];
  try {
    for (let i = 0; i < o.runs; i++) results.push(await countedRun(c.cmd, c.env, CONFS, c.timeoutS));
  } catch (e) {
    return `| ${c.label} | ${c.threads} | failed on run ${results.length + 1}: ${(e as Error).message.replace(/\|/g, '\\|')} | – | – | – | – | – |`;
  }
  const rates = results.map((r) => r.events / r.wallS);
  const rate = median(rates);
  const events = median(results.map((r) => r.events));
  const bytes = median(results.map((r) => r.bytes));
  const mbps = median(results.map((r) => r.bytes / r.wallS / 1e6));
  const same = results.every((r) => r.events === results[0].events);
  let counted = same ? events.toLocaleString('en-US') : results.map((r) => r.events.toLocaleString('en-US')).join(' / ');
  if (!same || events !== c.expected) counted += ` (expected ${c.expected.toLocaleString('en-US')})`;
  const eg = c.compareWith === 1 ? o.eventgen1 : o.eventgenAll;
  const ratio = eg && rate > 0 ? `**${eg / rate >= 100 ? (eg / rate).toFixed(0) : (eg / rate).toPrecision(2)}×** (${fmtRate(eg)} ÷ ${fmtRate(rate)})` : 'no eventgen W1 figure in this run';
  return `| ${c.label} | ${c.threads} | ${counted} | ${events ? (bytes / events).toFixed(1) : '–'} | **${fmtRate(rate)}** | ${mbps.toFixed(0)} | ${rates.map((r) => fmtRate(r)).join(' / ')} | ${ratio} |`;
}

function findGogen(): string | undefined {
  const own = join(PEERS_DIR, 'bin', 'gogen');
  for (const p of [process.env.GOGEN_BIN, own]) if (p && existsSync(p)) return p;
  const r = spawnSync('bash', ['-c', 'command -v gogen'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

/** The first Python in which splunk_eventgen imports, with the installed version if known. */
function findEventgen(): { python: string; version: string } | undefined {
  const venv = join(PEERS_DIR, 'venv', 'bin', 'python');
  for (const py of [process.env.EVENTGEN_PYTHON, venv, 'python3']) {
    if (!py || (py.includes('/') && !existsSync(py))) continue;
    const r = spawnSync(py, ['-c', 'import splunk_eventgen, importlib.metadata as m\ntry:\n print(m.version("splunk_eventgen"))\nexcept Exception:\n print("version unknown")'], { encoding: 'utf8' });
    if (r.status === 0) return { python: py, version: r.stdout.trim() };
  }
  return undefined;
}

/** Markdown lines for the peers section of the bench. */
export async function peerLines(o: PeerOptions): Promise<string[]> {
  const lines: string[] = [];
  const cases: PeerCase[] = [];
  const threadCounts = o.cores > 1 ? [1, o.cores] : [1];

  const gogen = findGogen();
  if (!gogen) {
    lines.push('- gogen: not installed on this machine (`bash bench/peers/install.sh` tries), so no side-by-side ratio (peers-and-limits.md §3 measured 421 k ev/s to `> /dev/null`, 250 k ev/s through `| cat`, on a quieter day).');
  } else {
    const intervals = Math.max(1, Math.round(o.events / GOGEN_COUNT));
    const events = intervals * GOGEN_COUNT;
    lines.push(`- gogen: ${gogen}, \`gogen -g N -c bench/configs/peers/gogen-w1.yml -o stdout gen -ei ${intervals} -c ${GOGEN_COUNT}\` (${events.toLocaleString('en-US')} events)`);
    for (const g of threadCounts) {
      cases.push({
        label: 'gogen',
        threads: String(g),
        compareWith: g === 1 ? 1 : 'all',
        cmd: [gogen, '-g', String(g), '-c', GOGEN_CONF, '-o', 'stdout', 'gen', '-ei', String(intervals), '-c', String(GOGEN_COUNT)],
        env: { GOGEN_APIURL: 'http://127.0.0.1:1' },
        expected: events,
        timeoutS: 60 + events / 20_000,
      });
    }
  }

  const eventgen = findEventgen();
  if (!eventgen) {
    lines.push('- Python Eventgen: not installed (`bash bench/peers/install.sh` tries; peers-and-limits.md §3 measured ≈24–26 k ev/s for W1 on this machine).');
  } else {
    const slices = Math.max(1, Math.round(Math.min(o.events, EVENTGEN_MAX_EVENTS) / EVENTGEN_COUNT));
    // The backfill queues one slice more than its length in seconds (the last one runs into the
    // future): peers-and-limits.md §3 counted 605,000 events for -120s at 5,000 a slice.
    const events = (slices + 1) * EVENTGEN_COUNT;
    lines.push(`- Python Eventgen ${eventgen.version}: ${eventgen.python} -m splunk_eventgen generate bench/configs/peers/eventgen-w1.conf -c ${EVENTGEN_COUNT} -b -${slices}s (${events.toLocaleString('en-US')} events expected; its exit polls every 5 s, and the wall time includes that wait)`);
    const base = [eventgen.python, '-m', 'splunk_eventgen', 'generate', EVENTGEN_CONF, '-c', String(EVENTGEN_COUNT), '-b', `-${slices}s`];
    cases.push({ label: 'Python Eventgen (threads)', threads: '20 threads, one GIL', compareWith: 1, cmd: base, env: {}, expected: events, timeoutS: 60 + events / 2_000 });
    if (o.cores > 1) {
      cases.push({ label: 'Python Eventgen --multiprocess', threads: `${o.cores} processes`, compareWith: 'all', cmd: [...base, '--multiprocess', '--generators', String(o.cores)], env: {}, expected: events, timeoutS: 60 + events / 2_000 });
    }
  }

  if (!cases.length) return lines;
  if (!o.run) {
    lines.push('- (not run: the peers run with the W1 section, `--only w1` or `--only peers`)');
    return lines;
  }
  lines.push('');
  lines.push(`| peer | generator threads | events (counted) | bytes/event | events/s (wall) | MB/s | runs (events/s) | eventgen ÷ peer (eventgen at 1 thread for 1, all cores otherwise) |`);
  lines.push('|---|---|---:|---:|---:|---:|---|---|');
  for (const c of cases) lines.push(await measure(c, o));
  return lines;
}
