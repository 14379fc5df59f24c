/**
 * The benchmark (`npm run bench`; options: `npm run bench -- --help`).
 *
 * Throughput: the reference workload W1 (bench/configs/w1.conf) and two realistic corpus
 * configurations (tutorial1 in sample mode, windbag), each run with the real command line on a
 * simulated clock and its output piped through `| cat > /dev/null` — a real pipe, as
 * peers-and-limits.md §4 measured — with 1 generator thread, one per core, and (W1) with no
 * worker thread at all. Prints events/s, MB/s and peak RSS (all threads), median of --runs.
 *
 * Rate accuracy: W1 at --rate events per 1-second interval on the real clock; the bench reads
 * the pipe itself and measures every interval's delivered count and rate. Slow output: the same,
 * with the reader throttled below the requested rate: eventgen must report its lag and keep its
 * memory bounded. Soak (--soak SECONDS): the rate run for a long time, sampling RSS.
 *
 * The machine is shared and its speed varies: the configurations of a table run round-robin so
 * that drift falls on all alike; a calibration loop (a fixed compiled-template generator in plain
 * JS, no eventgen code) runs first so figures can be compared across runs; and W1's rounds include
 * bench/ceiling.js, the best hand-written pipeline of peers-and-limits.md §4c, as the day's ceiling.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { peerLines } from './peers';
import { fmtRate, median } from './stats';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'eventgen');
const SINGLE = join(ROOT, 'build', 'bench', 'single-thread.js');
const PROBE = join(ROOT, 'bench', 'rss-probe.js');
const CEILING = join(ROOT, 'bench', 'ceiling.js');
const W1 = join(ROOT, 'bench', 'configs', 'w1.conf');
const NOW = '2026-01-02T12:00:00Z';

interface Options {
  runs: number;
  events: number;
  only: Set<string>;
  rate: number;
  rateSeconds: number;
  slowMBps: number;
  soak: number;
  corpus: string;
}

const USAGE = `Usage: npm run bench -- [options]
  --only LIST        comma list of: calibration, w1, corpus, transport, rate, slow, soak, peers
                     (default: calibration, w1, corpus, rate, slow; w1 also runs the peers,
                     gogen and Python Eventgen, when bench/peers/install.sh installed them)
  --runs N           runs per throughput figure; the median is printed (default 3)
  --events N         W1 events per run (default 10000000)
  --rate N           events per second for rate/slow/soak (default 100000)
  --rate-seconds S   length of the rate and slow runs (default 20)
  --slow-mbps X      throttled reader speed for the slow-output run (default 8 MB/s)
  --soak S           soak run length in seconds (e.g. 600); implies --only soak unless --only is given
  --corpus DIR       Eventgen corpus (default /work/shared/corpus/eventgen or $EVENTGEN_CORPUS)
`;

function parseOptions(argv: string[]): Options | string {
  const o: Options = { runs: 3, events: 10_000_000, only: new Set(['calibration', 'w1', 'corpus', 'rate', 'slow']), rate: 100_000, rateSeconds: 20, slowMBps: 8, soak: 0, corpus: process.env.EVENTGEN_CORPUS ?? '/work/shared/corpus/eventgen' };
  let onlyGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    const num = () => {
      i++;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${a} needs a positive number`);
      return n;
    };
    if (a === '--help' || a === '-h') return USAGE;
    else if (a === '--runs') o.runs = Math.round(num());
    else if (a === '--events') o.events = Math.round(num());
    else if (a === '--rate') o.rate = Math.round(num());
    else if (a === '--rate-seconds') o.rateSeconds = num();
    else if (a === '--slow-mbps') o.slowMBps = num();
    else if (a === '--soak') o.soak = num();
    else if (a === '--corpus') o.corpus = argv[++i];
    else if (a === '--only') {
      o.only = new Set(String(argv[++i]).split(','));
      onlyGiven = true;
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (o.soak && !onlyGiven) o.only = new Set(['soak']);
  if (o.only.has('soak') && !o.soak) o.soak = 600;
  return o;
}

// ---------------------------------------------------------------------------------------------
// Throughput through `| cat > /dev/null`

interface RunResult {
  events: number;
  bytes: number;
  wallS: number;
  rssKB: number;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs a command with stdout through a real pipe into cat; resolves to its exit code, stderr and wall time. */
function shellPipe(cmd: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; err: string; wallS: number }> {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('bash', ['-c', `set -o pipefail; ${cmd.map(q).join(' ')} | cat > /dev/null`], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', rej);
    child.on('close', (code) => res({ code, err, wallS: Number(process.hrtime.bigint() - t0) / 1e9 }));
  });
}

/** Runs a generate command through the pipe; its stderr gives events, bytes and peak RSS. */
async function pipeRun(cmd: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const { code, err, wallS } = await shellPipe(cmd, env);
  const m = /Output \S+: (\d+) events delivered \((\d+) bytes/.exec(err);
  const rss = /BENCH_MAX_RSS_KB (\d+)/.exec(err);
  if (code !== 0 || !m) throw new Error(`exit ${code}: ${cmd.join(' ')}\n${err.slice(-2000)}`);
  return { events: Number(m[1]), bytes: Number(m[2]), wallS, rssKB: rss ? Number(rss[1]) : NaN };
}

/** bench/ceiling.js through the same pipe: events/s of one run. */
async function ceiling(threads: number, events: number): Promise<number> {
  const { code, err, wallS } = await shellPipe([process.execPath, CEILING, String(threads), String(events)], {});
  if (code !== 0) throw new Error(`bench/ceiling.js exited with ${code}: ${err.slice(-2000)}`);
  return events / wallS;
}

function eventgenCmd(conf: string, workers: number | 'none', args: string[]): string[] {
  if (workers === 'none') {
    const count = args[args.indexOf('-c') + 1];
    const end = args[args.indexOf('-e') + 1];
    return [process.execPath, '-r', PROBE, SINGLE, conf, '1', NOW, count, end];
  }
  return [process.execPath, '-r', PROBE, CLI, 'generate', conf, '--workers', String(workers), '--now', NOW, '--seed', '1', '-v', ...args];
}

interface Figure {
  label: string;
  threads: string;
  events: number;
  evPerS: number;
  steadyEvPerS: number;
  mbPerS: number;
  rssMB: number;
  runs: string;
}

interface RunConfig {
  label: string;
  conf: string;
  workers: number | 'none';
  count: number;
  intervals: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs every configuration `runs` times, round-robin (A B C A B C …), so that the machine's speed
 * drifting during the bench falls on all of them alike; `eachRound` runs once per round too.
 */
async function throughputs(configs: RunConfig[], runs: number, eachRound?: () => Promise<void>): Promise<Figure[]> {
  // Start-up (module loading, threads, sample compilation) measured with one event.
  const startups: RunResult[] = [];
  for (const c of configs) startups.push(await pipeRun(eventgenCmd(c.conf, c.workers, ['-c', '1', '-e', '1']), c.env));
  const results: RunResult[][] = configs.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, c] of configs.entries()) results[k].push(await pipeRun(eventgenCmd(c.conf, c.workers, ['-c', String(c.count), '-e', String(c.intervals)]), c.env));
    await eachRound?.();
  }
  return configs.map((c, k) => {
    const rs = results[k];
    const rates = rs.map((r) => r.events / r.wallS);
    const best = rs[rates.indexOf(median(rates))] ?? rs[0];
    const wall = median(rs.map((r) => r.wallS));
    return {
      label: c.label,
      threads: c.workers === 'none' ? '0 (main thread only)' : String(c.workers),
      events: best.events,
      evPerS: median(rates),
      steadyEvPerS: best.events / Math.max(0.001, wall - startups[k].wallS),
      mbPerS: median(rs.map((r) => r.bytes / r.wallS / 1e6)),
      rssMB: Math.max(...rs.map((r) => r.rssKB)) / 1024,
      runs: rates.map((r) => fmtRate(r)).join(' / '),
    };
  });
}

function printFigures(title: string, figs: Figure[]): void {
  console.log(`\n### ${title}\n`);
  console.log('| workload | generator threads | events | events/s (wall) | events/s (after start-up) | MB/s | peak RSS | runs (events/s) |');
  console.log('|---|---|---:|---:|---:|---:|---:|---|');
  for (const f of figs) {
    console.log(`| ${f.label} | ${f.threads} | ${f.events.toLocaleString('en-US')} | **${fmtRate(f.evPerS)}** | ${fmtRate(f.steadyEvPerS)} | ${f.mbPerS.toFixed(0)} | ${f.rssMB.toFixed(0)} MB | ${f.runs} |`);
  }
}

// ---------------------------------------------------------------------------------------------
// Calibration: how fast is this machine right now?

function calibrate(): { genOnly: number } {
  // A fixed W1-like loop: literals pre-split, timestamp cached per second, Math.random ints,
  // 1000 lines per string converted to bytes. No eventgen code: it measures the machine.
  const lits = ['', ' host=web-042 level=INFO user_id=', ' latency_ms=', ' bytes=', ' msg="GET /api/v1/orders/lookup HTTP/1.1 200" agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36" pad=xxxxx\n'];
  const p2 = (n: number) => (n < 10 ? '0' : '') + n;
  const fmt = (d: Date) => `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  const ri = () => Math.floor(Math.random() * 100001);
  const best: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const n = 1_000_000;
    const t0 = process.hrtime.bigint();
    let s = '';
    let last = -1;
    let ts = '';
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const ms = 1.7e12 + i;
      const sec = Math.floor(ms / 1000);
      if (sec !== last) {
        ts = fmt(new Date(ms));
        last = sec;
      }
      s += lits[0] + ts + lits[1] + ri() + lits[2] + ri() + lits[3] + ri() + lits[4];
      if ((i + 1) % 1000 === 0) {
        bytes += Buffer.from(s, 'utf8').length;
        s = '';
      }
    }
    best.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
    if (bytes === 0) throw new Error('unreachable');
  }
  return { genOnly: Math.max(...best) };
}

// ---------------------------------------------------------------------------------------------
// Rate accuracy, slow output and soak: eventgen on the real clock, the bench reads the pipe.

interface LiveResult {
  intervals: Array<{ start: number; count: number }>;
  rss: Array<{ t: number; kb: number }>;
  maxRssKB: number;
  stderr: string;
  lines: number;
  wallS: number;
}

function vmRssKB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function live(conf: string, rate: number, seconds: number, readerMBps: number | undefined, gapMs = 300): Promise<LiveResult> {
  return new Promise((res, rej) => {
    const args = ['-r', PROBE, CLI, 'generate', conf, '-c', String(rate), '-i', '1', '-e', `+${seconds}s`, '--seed', '1', '-v'];
    const t0 = Date.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const intervals: LiveResult['intervals'] = [];
    let lastData = 0;
    let lines = 0;
    let readBytes = 0;
    const rss: LiveResult['rss'] = [];
    const poll = setInterval(() => {
      const kb = vmRssKB(child.pid!);
      if (kb !== undefined) rss.push({ t: (Date.now() - t0) / 1000, kb });
    }, 1000);
    child.stdout.on('data', (d: Buffer) => {
      const now = performance.now();
      let n = 0;
      for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) n++;
      // A pause longer than gapMs starts a new interval's burst.
      if (intervals.length === 0 || now - lastData > gapMs) intervals.push({ start: now, count: 0 });
      intervals[intervals.length - 1].count += n;
      lines += n;
      lastData = now;
      if (readerMBps) {
        // Throttle: pause the pipe so that reading averages readerMBps.
        readBytes += d.length;
        const due = t0 + (readBytes / (readerMBps * 1e6)) * 1000;
        const wait = due - Date.now();
        if (wait > 1) {
          child.stdout.pause();
          setTimeout(() => child.stdout.resume(), wait);
        }
      }
    });
    child.on('error', rej);
    child.on('close', () => {
      clearInterval(poll);
      const m = /BENCH_MAX_RSS_KB (\d+)/.exec(stderr);
      res({ intervals, rss, maxRssKB: m ? Number(m[1]) : NaN, stderr, lines, wallS: (Date.now() - t0) / 1000 });
    });
  });
}

function rateReport(r: LiveResult, rate: number): string[] {
  const out: string[] = [];
  // The first interval starts while the threads are still starting: it is left out of the rates.
  const iv = r.intervals;
  const counts = iv.map((i) => i.count);
  out.push(`- intervals seen: ${iv.length}; events per interval: min ${Math.min(...counts)}, max ${Math.max(...counts)} (requested ${rate}); total ${r.lines}`);
  if (iv.length >= 4) {
    const rates: number[] = [];
    const gaps: number[] = [];
    for (let i = 1; i + 1 < iv.length; i++) {
      const dt = (iv[i + 1].start - iv[i].start) / 1000;
      gaps.push(dt * 1000);
      rates.push(iv[i].count / dt);
    }
    const dev = rates.map((x) => Math.abs(x / rate - 1) * 100);
    const span = (iv[iv.length - 1].start - iv[1].start) / 1000;
    const overall = counts.slice(1, -1).reduce((a, b) => a + b, 0) / span;
    const sorted = [...dev].sort((a, b) => a - b);
    out.push(`- interval starts ${Math.min(...gaps).toFixed(1)}–${Math.max(...gaps).toFixed(1)} ms apart; delivered rate per interval ${fmtRate(Math.min(...rates))}–${fmtRate(Math.max(...rates))} ev/s`);
    out.push(`- deviation of each interval's delivered rate from the requested rate: median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} %, largest **${Math.max(...dev).toFixed(2)} %** (${dev.filter((d) => d <= 1).length}/${dev.length} intervals within 1 %); whole run: ${overall.toFixed(0)} ev/s (${((overall / rate - 1) * 100).toFixed(3)} %)`);
  }
  out.push(`- peak RSS ${(r.maxRssKB / 1024).toFixed(0)} MB`);
  return out;
}

// ---------------------------------------------------------------------------------------------

function corpusConfs(dir: string, corpus: string): Array<{ label: string; conf: string; count: number; intervals: number }> {
  const out: Array<{ label: string; conf: string; count: number; intervals: number }> = [];
  const tutorial = join(corpus, 'tests', 'large', 'sample', 'tutorial1.csv');
  if (existsSync(tutorial)) {
    // tutorial1's 2,019 real Splunk events (CSV with per-row metadata) and its five timestamp
    // tokens, in sample mode (the corpus runs it as a replay, which is paced, not a throughput test).
    const conf = join(dir, 'tutorial1.conf');
    const tokens = readFileSync(join(corpus, 'tests', 'large', 'conf', 'eventgen_tutorial1.conf'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('token.'))
      .map((l) => l.replace('replaytimestamp', 'timestamp'))
      .join('\n');
    writeFileSync(conf, `[tutorial1\\.csv]\nsampleDir = ${join(corpus, 'tests', 'large', 'sample')}\nsampletype = csv\nmode = sample\nearliest = -60s\nlatest = now\noutputMode = stdout\n${tokens}\n`);
    out.push({ label: 'tutorial1.csv, sample mode (2,019 CSV events, 5 timestamp tokens, %f)', conf, count: 500_000, intervals: 4 });
  }
  const windbag = join(dir, 'windbag.conf');
  writeFileSync(windbag, '[windbag]\ngenerator = windbag\nearliest = -60s\nlatest = now\noutputMode = stdout\n');
  out.push({ label: 'windbag generator', conf: windbag, count: 1_000_000, intervals: 4 });
  return out;
}

export async function main(argv: string[]): Promise<number> {
  let o: Options;
  try {
    const parsed = parseOptions(argv);
    if (typeof parsed === 'string') {
      process.stdout.write(parsed);
      return 0;
    }
    o = parsed;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  if (!existsSync(SINGLE)) {
    process.stderr.write('Build first: npm run build\n');
    return 2;
  }
  const cores = availableParallelism();
  console.log(`## eventgen benchmark — ${new Date().toISOString()}\n`);
  console.log(`Node ${process.version}, ${cores} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at start.`);

  if (o.only.has('calibration')) {
    const c = calibrate();
    console.log(`\nCalibration (a fixed W1 loop in plain JS, no I/O, best of 5): **${fmtRate(c.genOnly)} ev/s** on one core now (peers-and-limits.md §4c measured 2.22 M on a quiet day).`);
  }

  const tmp = mkdtempSync(join(tmpdir(), 'eg-bench-'));
  let w1: Figure[] = [];
  try {
    if (o.only.has('w1')) {
      const perInterval = Math.min(o.events, 1_000_000);
      const intervals = Math.max(1, Math.round(o.events / perInterval));
      const w1Run = (workers: number | 'none', label = 'W1'): RunConfig => ({ label, conf: W1, workers, count: perInterval, intervals });
      // The ceiling of the day runs in the same rounds, so that it sees the same machine.
      const ceilings: number[] = [];
      const figs = await throughputs([w1Run(1, 'W1 (200 B, 1 timestamp + 3 integer tokens)'), w1Run(cores), w1Run('none')], o.runs, async () => {
        ceilings.push(await ceiling(cores, perInterval * intervals));
      });
      printFigures(`Throughput: W1, ${(perInterval * intervals).toLocaleString('en-US')} events, stdout \`| cat > /dev/null\``, figs);
      const ceilingRate = median(ceilings);
      console.log(`\nCeiling of the day (\`node bench/ceiling.js ${cores} ${perInterval * intervals} | cat > /dev/null\`, in the same rounds: ${cores} worker threads building W1 lines with string templates, the main thread writing; no eventgen code): **${fmtRate(ceilingRate)} ev/s** (${ceilings.map((r) => fmtRate(r)).join(' / ')}; peers-and-limits.md §4c measured 3.09 M with 2 workers on its day). W1 with ${cores} threads: **${(figs[1].evPerS / ceilingRate).toFixed(2)} ×** the ceiling.`);
      w1 = figs;
    }
    if (o.only.has('transport')) {
      // Line batches back from the worker threads: one transferred UTF-8 buffer per job (the
      // default) against strings copied by postMessage and converted by the writer.
      const perInterval = Math.min(o.events, 1_000_000);
      const intervals = Math.max(1, Math.round(o.events / perInterval));
      const configs: RunConfig[] = [];
      for (const transport of ['bytes', 'string']) {
        for (const w of [1, cores]) configs.push({ label: `W1, line batches as ${transport}`, conf: W1, workers: w, count: perInterval, intervals, env: { EVENTGEN_LINE_TRANSPORT: transport } });
      }
      printFigures('Transport of line batches from the worker threads (W1)', await throughputs(configs, o.runs));
    }
    if (o.only.has('corpus')) {
      const configs: RunConfig[] = [];
      for (const c of corpusConfs(tmp, o.corpus)) {
        for (const w of [1, cores]) configs.push({ label: c.label, conf: c.conf, workers: w, count: c.count, intervals: c.intervals });
      }
      printFigures('Throughput: corpus configurations, stdout `| cat > /dev/null`', await throughputs(configs, o.runs));
    }
    console.log('\nPeers (W1, stdout `| cat | wc -lc`; bench/peers.ts):');
    const runPeers = o.only.has('w1') || o.only.has('peers');
    for (const l of await peerLines({ runs: o.runs, events: o.events, cores, run: runPeers, eventgen1: w1[0]?.evPerS, eventgenAll: w1[1]?.evPerS })) console.log(l);

    if (o.only.has('rate')) {
      console.log(`\n### Rate accuracy: W1 at ${o.rate.toLocaleString('en-US')} events per 1 s interval, real clock, ${o.rateSeconds} s\n`);
      const r = await live(W1, o.rate, o.rateSeconds, undefined);
      for (const l of rateReport(r, o.rate)) console.log(l);
      const warns = r.stderr.split('\n').filter((l) => /behind schedule/.test(l)).length;
      console.log(`- "behind schedule" warnings: ${warns}`);
    }
    if (o.only.has('slow')) {
      console.log(`\n### Slow output: W1 at ${o.rate.toLocaleString('en-US')} ev/s requested, reader throttled to ${o.slowMBps} MB/s (≈${fmtRate((o.slowMBps * 1e6) / 200)} ev/s), ${o.rateSeconds} s\n`);
      const r = await live(W1, o.rate, o.rateSeconds, o.slowMBps);
      const lags = [...r.stderr.matchAll(/behind schedule[^\n]*"lagMs":(\d+)/g)].map((m) => Number(m[1]));
      console.log(`- delivered ${r.lines.toLocaleString('en-US')} events in ${r.wallS.toFixed(1)} s (${fmtRate(r.lines / r.wallS)} ev/s) for ${(o.rate * o.rateSeconds).toLocaleString('en-US')} requested`);
      console.log(`- "Generation is behind schedule" warnings: ${lags.length}${lags.length ? `, lag growing to ${(Math.max(...lags) / 1000).toFixed(1)} s` : ''}`);
      const kb = r.rss.map((x) => x.kb);
      console.log(`- RSS sampled every second: min ${(Math.min(...kb) / 1024).toFixed(0)} MB, max ${(Math.max(...kb) / 1024).toFixed(0)} MB; peak RSS ${(r.maxRssKB / 1024).toFixed(0)} MB`);
    }
    if (o.only.has('soak')) {
      console.log(`\n### Soak: W1 at ${o.rate.toLocaleString('en-US')} ev/s for ${o.soak} s, real clock\n`);
      const r = await live(W1, o.rate, o.soak, undefined);
      for (const l of rateReport(r, o.rate)) console.log(l);
      const pts = r.rss.filter((p) => p.t >= 60);
      if (pts.length > 2) {
        const n = pts.length;
        const mt = pts.reduce((a, p) => a + p.t, 0) / n;
        const mk = pts.reduce((a, p) => a + p.kb, 0) / n;
        const slope = pts.reduce((a, p) => a + (p.t - mt) * (p.kb - mk), 0) / pts.reduce((a, p) => a + (p.t - mt) ** 2, 0);
        const minute = (from: number) => {
          const w = r.rss.filter((p) => p.t >= from && p.t < from + 60).map((p) => p.kb);
          return w.length ? (w.reduce((a, b) => a + b, 0) / w.length / 1024).toFixed(1) : '?';
        };
        console.log(`- RSS (MB, mean per minute): ${Array.from({ length: Math.floor(o.soak / 60) }, (_, i) => minute(i * 60)).join(', ')}`);
        console.log(`- RSS trend after the first minute: **${((slope * 60) / 1024).toFixed(2)} MB per minute** (${n} samples)`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return 0;
}
