/**
 * The `eventgen` command line: generate, validate and list, on an eventgen.conf file or an app
 * folder. The same engine runs inside Splunk (lib/splunk/input.ts); this is the standalone face.
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../conf/types';
import { resolveSamples, type ResolveResult } from '../conf/resolve';
import { loadStandaloneSource } from '../conf/sources';
import { builtinRegistry } from '../plugins/builtin';
import { discoverStandalonePlugins, standaloneAppDir } from '../plugins/discover';
import type { PluginRegistry } from '../plugins/registry';
import { checkPlugins, validateSamples, type CheckContext } from '../plugins/check';
import { Engine, type RunSummary } from '../engine/engine';
import { RealClock, SimulatedClock, type Clock } from '../engine/clock';
import { exitNow } from '../util/exit';
import { parseRelativeTime } from '../time/relative';
import { LOCAL } from '../time/tz';
import { randomSeed } from '../util/random';
import { createSplunkLogger } from '../splunk/log';
import { createExecutor } from '../engine/executor-pool';
import type { PluginKind, PluginLogger } from '../plugins/api';

const USAGE = `Usage: eventgen <command> [options]

Commands:
  generate <eventgen.conf | app folder>   Generate events.
  validate <eventgen.conf | app folder>   Check a configuration; exit 1 if it has errors.
  list <eventgen.conf | app folder>       Show the resolved stanzas and their sample files.
  spec [eventgen.conf | app folder]       Print the eventgen.conf.spec generated from the schema; with a
                                          config, also the settings of the plugins found for its app.

Options for generate (they apply to every stanza):
  -s, --sample STANZA    run only this stanza
  -c, --count N          events per interval (-1: the whole sample)
  -i, --interval SEC     seconds between intervals
  -b, --backfill TIME    generate from TIME (e.g. -1h) up to now first
  -e, --end N|TIME       stop after N intervals, or at TIME (+10m, ISO 8601)
      --output MODE      output plugin for every stanza (stdout, file, modinput, devnull, …)
      --seed N           seed all randomness: same seed + same --now = same bytes
      --now TIME         start a simulated clock at TIME (ISO 8601, epoch, or relative);
                         intervals then follow each other without waiting
      --workers N        generator worker threads (default: [global] generatorWorkers, 0 = one per core)
  -v, --verbose          more logging (-vv for debug)
  -h, --help             this help
      --version          print the version
`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        sample: { type: 'string', short: 's' },
        count: { type: 'string', short: 'c' },
        interval: { type: 'string', short: 'i' },
        backfill: { type: 'string', short: 'b' },
        end: { type: 'string', short: 'e' },
        output: { type: 'string' },
        devnull: { type: 'boolean' },
        modinput: { type: 'boolean' },
        seed: { type: 'string' },
        now: { type: 'string' },
        workers: { type: 'string' },
        verbose: { type: 'boolean', short: 'v', multiple: true },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (e) {
    process.stderr.write(`eventgen: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values: o, positionals } = parsed;
  if (o.version) {
    process.stdout.write(`eventgen ${version()}\n`);
    return 0;
  }
  const [command, target] = positionals;
  if (o.help || !command) {
    process.stdout.write(USAGE);
    return o.help ? 0 : 2;
  }
  if (command === 'spec') return spec(target);
  if (!['generate', 'validate', 'list'].includes(command)) {
    process.stderr.write(`eventgen: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  if (!target) {
    process.stderr.write(`eventgen ${command}: give an eventgen.conf file or an app folder\n`);
    return 2;
  }
  const verbosity = o.verbose?.length ?? 0;
  const log = createSplunkLogger({ level: verbosity >= 2 ? 'debug' : verbosity === 1 ? 'info' : 'warn', logFile: false });

  const overrides: Record<string, string> = {};
  if (o.count !== undefined) overrides.count = o.count;
  if (o.interval !== undefined) overrides.interval = o.interval;
  if (o.backfill !== undefined) overrides.backfill = o.backfill;
  if (o.end !== undefined) overrides.end = o.end;
  if (o.devnull) overrides.outputMode = 'devnull';
  if (o.modinput) overrides.outputMode = 'modinput';
  if (o.output !== undefined) overrides.outputMode = o.output;

  // An --output name may be a plugin file beside the config, like any outputMode in it.
  const app = loadApp(target, o.output !== undefined ? { output: [o.output] } : {});
  if (!app) return 2;
  const { loaded, registry, pluginDiags } = app;
  const resolved = resolveSamples([loaded.source], {
    schema: registry.schema,
    generatorNeedsFile: (name) => registry.generatorNeedsFile(name),
    overrides,
    onlyStanza: o.sample,
  });
  const diagnostics = [...loaded.diagnostics, ...pluginDiags, ...resolved.diagnostics, ...registry.notices.map((message): Diagnostic => ({ severity: 'warning', message }))];
  if (o.sample !== undefined && !loaded.source.conf.stanzas.has(o.sample)) {
    diagnostics.push({ severity: 'error', file: loaded.source.confFile, message: `there is no stanza [${o.sample}]` });
  }

  const checkCtx: CheckContext = { origins: resolved.origins, overrides };
  if (command === 'validate') return validate(resolved, diagnostics, registry, log, verbosity, checkCtx);
  if (command === 'list') {
    printDiagnostics(diagnostics, verbosity);
    return list(resolved);
  }
  // The plugins' checks, before anything opens: a sample with a problem does not start, and the
  // problem reads as in validate (file, line, stanza, setting, value), not as a failure mid-run.
  const checked = checkPlugins(resolved.samples, registry, checkCtx);
  diagnostics.push(...checked.diagnostics);
  printDiagnostics(diagnostics, verbosity);
  const samples = resolved.samples.filter((s) => !checked.broken.has(s.id));

  let seed: number;
  const seedText = o.seed ?? (resolved.engine.seed !== undefined ? String(resolved.engine.seed) : undefined);
  if (seedText !== undefined) {
    if (!/^\d+$/.test(seedText)) {
      process.stderr.write(`ERROR --seed must be a whole number, not ${JSON.stringify(seedText)}\n`);
      return 2;
    }
    seed = Number(seedText);
  } else seed = randomSeed();

  let clock: Clock = new RealClock();
  if (o.now !== undefined) {
    const r = parseRelativeTime(o.now);
    if (!r.resolve) {
      process.stderr.write(`ERROR --now ${JSON.stringify(o.now)}: ${r.error}\n`);
      return 2;
    }
    clock = new SimulatedClock(r.resolve(Date.now(), LOCAL));
  }
  const workers = o.workers !== undefined ? Number(o.workers) : Number(resolved.engine.generatorWorkers ?? 0);
  if (!Number.isInteger(workers) || workers < 0) {
    process.stderr.write(`ERROR --workers must be a whole number, not ${JSON.stringify(o.workers)}\n`);
    return 2;
  }

  // `eventgen generate … | head`: when the reader goes away, stop quietly as Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  const progress = new Progress(process.stderr.isTTY === true);
  const executor = createExecutor({ registry, seed, log, workers, samples });
  const outputWorkers = Number(resolved.engine.outputWorkers ?? 1);
  const engine = new Engine({ samples, registry, clock, seed, log, executor, outputWorkers, onInterval: (_id, n) => progress.add(n) });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // First signal: stop the timers and flush. Second: stop retrying outputs (what is still
    // undelivered is reported). Third: leave now.
    if (++signals === 1) engine.stop();
    else if (signals === 2) closeDeadline = Date.now();
    else exitNow(130, signal);
  };
  let closeDeadline = Infinity;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const summary = await engine.run({ closeDeadline: () => closeDeadline });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  progress.done();
  report(summary, log, verbosity);
  const configErrors = diagnostics.some((d) => d.severity === 'error');
  return summary.failed || configErrors ? 1 : 0;
}

function printDiagnostics(diags: readonly Diagnostic[], verbosity: number): void {
  for (const d of diags) {
    if (d.severity === 'info' && verbosity === 0) continue;
    process.stderr.write(formatDiagnostic(d) + '\n');
  }
}

/** validate: configuration problems, the plugins' checks, and everything that setting up each sample reveals. */
async function validate(resolved: ResolveResult, diags: Diagnostic[], registry: PluginRegistry, log: PluginLogger, verbosity: number, ctx: CheckContext): Promise<number> {
  const setup = validateSamples(resolved.samples, registry, log, ctx);
  const all = [...diags, ...setup];
  printDiagnostics(all, verbosity);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.filter((d) => d.severity === 'warning').length;
  const broken = new Set(setup.filter((d) => d.severity === 'error').map((d) => d.stanza));
  const ready = resolved.samples.filter((s) => !broken.has(s.stanza)).length;
  process.stdout.write(`${ready} sample(s) ready; ${errors} error(s), ${warnings} warning(s).\n`);
  return errors ? 1 : 0;
}

/**
 * spec: the eventgen.conf.spec of the built-in settings (what `npm run spec` writes); with a
 * config, also the settings of the plugins found for its app, a heading per plugin. Problems
 * loading those plugins go to stderr and make the exit status 1: the spec is incomplete.
 */
async function spec(target: string | undefined): Promise<number> {
  const { appSpec, builtinSpec } = await import('../conf/spec');
  if (target === undefined) {
    process.stdout.write(builtinSpec());
    return 0;
  }
  const found = loadApp(target);
  if (!found) return 2;
  const { loaded, registry, pluginDiags } = found;
  const diags = [...pluginDiags, ...registry.notices.map((message): Diagnostic => ({ severity: 'warning', message }))];
  printDiagnostics(diags, 0);
  const app = standaloneAppDir(loaded.source);
  process.stdout.write(appSpec(registry, app.app, app.dir));
  return diags.some((d) => d.severity === 'error') ? 1 : 0;
}

/** A config and the plugins of its app; undefined, once said why on stderr, when it cannot be read. */
function loadApp(target: string, extraWanted: Partial<Record<PluginKind, readonly string[]>> = {}): { loaded: ReturnType<typeof loadStandaloneSource>; registry: PluginRegistry; pluginDiags: Diagnostic[] } | undefined {
  let loaded;
  try {
    loaded = loadStandaloneSource(target);
  } catch (e) {
    process.stderr.write(`ERROR ${(e as Error).message}\n`);
    return undefined;
  }
  const registry = builtinRegistry();
  return { loaded, registry, pluginDiags: discoverStandalonePlugins(registry, loaded.source, extraWanted) };
}

function list(resolved: ResolveResult): number {
  const rows = resolved.samples.map((s) => [s.id, s.file ?? '(no file)', String(s.settings.generator), String(s.settings.outputMode), String(s.settings.count), String(s.settings.interval), String(s.settings.end ?? '-')]);
  const head = ['SAMPLE', 'FILE', 'GENERATOR', 'OUTPUT', 'COUNT', 'INTERVAL', 'END'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) process.stdout.write(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() + '\n');
  return resolved.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

function report(summary: RunSummary, log: PluginLogger, verbosity: number): void {
  for (const o of summary.outputs) {
    const m = o.metrics;
    const line = { output: o.key, events: m.events, bytes: m.bytes, retries: m.retries, errors: m.errors, undeliverable: m.undeliverable, lost: m.lost };
    if (m.undeliverable || m.lost) log.error(line, `Output ${o.key}: ${m.events} events delivered, ${m.undeliverable} undeliverable, ${m.lost} lost.`);
    else if (verbosity > 0) log.info(line, `Output ${o.key}: ${m.events} events delivered (${m.bytes} bytes, ${m.retries} retries).`);
  }
}

/** One progress line on stderr, only for a terminal. */
class Progress {
  #events = 0;
  #start = Date.now();
  #timer?: NodeJS.Timeout;
  constructor(readonly enabled: boolean) {
    if (enabled) this.#timer = setInterval(() => this.#draw(), 1000).unref();
  }
  add(n: number): void {
    this.#events += n;
  }
  #draw(): void {
    const secs = (Date.now() - this.#start) / 1000;
    process.stderr.write(`\r${this.#events.toLocaleString('en-US')} events, ${Math.round(this.#events / Math.max(secs, 0.001)).toLocaleString('en-US')} events/s, ${secs.toFixed(0)} s `);
  }
  done(): void {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#draw();
    process.stderr.write('\n');
  }
}

function version(): string {
  // From the source tree: package.json. From the packaged app (bundle in bin/): default/app.conf.
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    try {
      return /^version\s*=\s*(\S+)/m.exec(readFileSync(join(__dirname, '..', 'default', 'app.conf'), 'utf8'))?.[1] ?? 'unknown';
    } catch {
      return 'unknown';
    }
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: Error) => {
      process.stderr.write(`FATAL ${e.stack ?? e.message}\n`);
      process.exitCode = 70;
    },
  );
}
