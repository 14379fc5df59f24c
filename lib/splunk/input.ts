/**
 * The `eventgen` modular input: what `bin/eventgen.sh` runs for splunkd (docs/SPLUNK.md).
 *
 *  - `--scheme`: the scheme XML (introspection);
 *  - `--validate-arguments`: checks a stanza's parameters, answering `<error><message>` + exit 1;
 *  - no argument: reads the `<input>` definition from stdin, reads every app's eventgen.conf from
 *    splunkd (REST, with the session key), decides which apps this stanza runs, and streams the
 *    generated events as `<stream><event>…</event>…</stream>` on stdout until SIGTERM.
 *
 * It mirrors the CLI (lib/cli/main.ts): sources → plugin discovery → resolveSamples → Engine,
 * with the Splunk-specific parts in apps.ts (where configuration comes from), checkpoint.ts
 * (what survives a restart) and metrics.ts (per-sample numbers for the dashboard).
 */
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type pino from 'pino';
import { resolveSamples } from '../conf/resolve';
import { formatDiagnostic, type Diagnostic } from '../conf/types';
import { RealClock } from '../engine/clock';
import { exitNow } from '../util/exit';
import { Engine, type RunSummary } from '../engine/engine';
import { createExecutor } from '../engine/executor-pool';
import type { OutputPlugin, PluginKind, SampleSpec } from '../plugins/api';
import { builtinRegistry } from '../plugins/builtin';
import { checkPlugins } from '../plugins/check';
import { discoverPlugins, requestedPlugins } from '../plugins/discover';
import { PluginRegistry } from '../plugins/registry';
import { stdoutSink, type StdoutSink } from '../output/stdout-sink';
import { randomSeed } from '../util/random';
import {
  findSplunkHome, inputClaims, planStanza, readAppId, restrictSources, sourcesFromDisk, sourcesFromRest,
  type AppSources, type InputClaim,
} from './apps';
import { applyCheckpoints, CheckpointStore } from './checkpoint';
import { rotateIfLarger, SampleMetrics, type MetricsSample } from './metrics';
import {
  parseAppsList, parseInputDefinition, parseValidationDefinition, parseVerbosity, readDefinitionBytes,
  schemeXml, SCHEME_NAME, validateEventgenParams, validationErrorXml, type InputDefinition,
} from './modinput';
import { createSplunkLogger } from './log';
import { SplunkRestClient, SplunkRestError, type ConfStanzaEntry, type SplunkApp } from './rest';
import { ConfigWatch, confFingerprint, DEFAULT_RELOAD_SECONDS } from './reload';

type Logger = pino.Logger;

/** Outputs kept as configured inside Splunk; every other built-in one becomes `modinput`. */
export const KEPT_OUTPUTS: ReadonlySet<string> = new Set(['modinput', 'file', 'spool', 'devnull']);

/** Tunables, read from the environment (documented in docs/SPLUNK.md "Troubleshooting"). */
export interface InputTuning {
  /** Limit for one REST request (EVENTGEN_REST_TIMEOUT_MS, default 10 s). */
  restTimeoutMs: number;
  /** Period of the metrics lines (EVENTGEN_METRICS_INTERVAL_MS, default 30 s). */
  metricsPeriodMs: number;
  /** How long stdin may take to deliver the definition (EVENTGEN_STDIN_TIMEOUT_MS, default 30 s). */
  stdinTimeoutMs: number;
  /** Grace between SIGTERM and giving up on outputs (EVENTGEN_STOP_GRACE_MS, default 2.5 s). */
  stopGraceMs: number;
  /** Hard exit after SIGTERM (EVENTGEN_HARD_EXIT_MS, default 4.5 s: splunkd allows 5). */
  hardExitMs: number;
}

export function tuningFromEnv(env: NodeJS.ProcessEnv = process.env): InputTuning {
  const num = (name: string, dflt: number, min: number): number => {
    const v = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(v) && v >= min ? v : dflt;
  };
  return {
    restTimeoutMs: num('EVENTGEN_REST_TIMEOUT_MS', 10_000, 100),
    metricsPeriodMs: num('EVENTGEN_METRICS_INTERVAL_MS', 30_000, 100),
    stdinTimeoutMs: num('EVENTGEN_STDIN_TIMEOUT_MS', 30_000, 100),
    stopGraceMs: num('EVENTGEN_STOP_GRACE_MS', 2_500, 0),
    hardExitMs: num('EVENTGEN_HARD_EXIT_MS', 4_500, 100),
  };
}

/** The app folder this code runs from: `<app>/bin` when bundled, `<repo>/build/lib/splunk` when built. */
export function ownAppDir(here = __dirname): string {
  return resolve(here).endsWith(join('build', 'lib', 'splunk')) ? resolve(here, '..', '..', '..') : dirname(resolve(here));
}

/**
 * Whether a command line is splunkd running the modular input rather than a person running the
 * CLI. Used by the packaged `bin/eventgen` (the CLI), because splunkd may pick that file for the
 * `eventgen` scheme instead of `bin/eventgen.sh`.
 */
export function isModularInputCall(argv: readonly string[], env: NodeJS.ProcessEnv, stdinIsTTY: boolean): boolean {
  if (argv.length === 1 && (argv[0] === '--scheme' || argv[0] === '--validate-arguments')) return true;
  return argv.length === 0 && !stdinIsTTY && !!env.SPLUNK_HOME;
}

export async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 1 && argv[0] === '--scheme') {
    process.stdout.write(schemeXml());
    return 0;
  }
  if (argv.length === 1 && argv[0] === '--validate-arguments') return validateArguments(process.stdin, tuningFromEnv());
  if (argv.length > 0) {
    process.stderr.write(`ERROR Invalid arguments to modular input script: ${JSON.stringify(argv.join(' '))}. Expected --scheme, --validate-arguments, or none (streaming).\n`);
    return 1;
  }
  return stream(tuningFromEnv());
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// --validate-arguments
// ─────────────────────────────────────────────────────────────────────────────────────────────

async function validateArguments(stdin: Readable, tuning: InputTuning): Promise<number> {
  let problems: string[];
  try {
    const def = parseValidationDefinition(await readDefinitionBytes(stdin, { root: 'items', timeoutMs: tuning.stdinTimeoutMs }));
    problems = validateEventgenParams(def.item.params);
  } catch (e) {
    const msg = `eventgen could not read the validation request from splunkd: ${(e as Error).message}`;
    process.stderr.write(`ERROR ${msg}\n`);
    process.stdout.write(validationErrorXml(msg));
    return 1;
  }
  if (problems.length === 0) return 0;
  process.stdout.write(validationErrorXml(problems.join(' ')));
  return 1;
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Lifecycle: SIGTERM, a closed stdout, a stdin held open and then closed
// ─────────────────────────────────────────────────────────────────────────────────────────────

class Lifecycle {
  stopped = false;
  /** True while the engine may be writing events. */
  engineRunning = false;
  reason = '';
  /** Epoch ms after which outputs stop retrying (engine closeDeadline). */
  closeDeadline = Infinity;
  #listeners: Array<() => void> = [];
  #hardExit?: NodeJS.Timeout;
  /** Called by the hard-exit timer before exiting (writes `</stream>` if still open). */
  onHardExit: () => void = () => undefined;
  #log: Pick<Logger, 'info' | 'warn' | 'error'>;

  constructor(log: Pick<Logger, 'info' | 'warn' | 'error'>, private readonly tuning: InputTuning) {
    this.#log = log;
    process.on('SIGTERM', () => this.stop('SIGTERM from splunkd'));
    process.on('SIGINT', () => this.stop('SIGINT'));
    process.stdout.on('error', (e: NodeJS.ErrnoException) => this.stop(`standard output failed (${e.code ?? e.message}): splunkd is no longer reading`, true));
  }

  set log(log: Pick<Logger, 'info' | 'warn' | 'error'>) {
    this.#log = log;
  }

  /**
   * splunkd writes the definition and closes stdin, so EOF right behind the definition is normal.
   * A stdin that stays open and closes later means the parent went away: stop.
   */
  watchStdin(stdin: Readable, graceMs = 1000): void {
    if (stdin.readableEnded || stdin.destroyed) return;
    const since = Date.now();
    stdin.on('error', () => undefined);
    stdin.on('data', () => undefined);
    stdin.on('end', () => {
      if (Date.now() - since >= graceMs) this.stop('standard input closed by the parent');
    });
    stdin.resume();
  }

  /** Calls fn at the stop (at once if stopped); returns what removes it again. */
  onStop(fn: () => void): () => void {
    if (this.stopped) {
      fn();
      return () => undefined;
    }
    this.#listeners.push(fn);
    return () => {
      const i = this.#listeners.indexOf(fn);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  stop(reason: string, immediate = false): void {
    if (this.stopped) {
      // A second signal: stop retrying outputs now.
      this.closeDeadline = Date.now();
      return;
    }
    this.stopped = true;
    this.reason = reason;
    this.closeDeadline = Date.now() + (immediate ? 0 : this.tuning.stopGraceMs);
    if (!immediate) this.#log.info({ reason }, `Stopping: ${reason}. Flushing and closing the stream.`);
    this.#hardExit = setTimeout(() => {
      this.#log.error({ reason }, `Did not finish within ${this.tuning.hardExitMs} ms of the stop request; exiting now.`);
      this.onHardExit();
      setTimeout(() => exitNow(0), 200).unref();
    }, this.tuning.hardExitMs);
    this.#hardExit.unref();
    for (const fn of this.#listeners.splice(0)) fn();
  }

  dispose(): void {
    if (this.#hardExit) clearTimeout(this.#hardExit);
  }
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Streaming mode
// ─────────────────────────────────────────────────────────────────────────────────────────────

/** A leveled stderr logger for before the stanza's verbosity and $SPLUNK_HOME are known. */
function bootLogger(): Logger {
  return createSplunkLogger({ logFile: false });
}

async function stream(tuning: InputTuning): Promise<number> {
  const boot = bootLogger();
  const lifecycle = new Lifecycle(boot, tuning);
  let def: InputDefinition;
  let raw: Buffer | undefined;
  try {
    raw = await readDefinitionBytes(process.stdin, { root: 'input', timeoutMs: tuning.stdinTimeoutMs });
    def = parseInputDefinition(raw);
  } catch (e) {
    boot.error({}, `The input definition from splunkd cannot be used: ${scrubSessionKey((e as Error).message, raw)}. No events are generated.`);
    lifecycle.dispose();
    return 1;
  }
  lifecycle.watchStdin(process.stdin);

  const appDir = ownAppDir();
  const splunkHome = findSplunkHome(process.env, appDir);
  if (!splunkHome) {
    boot.error({ appDir }, 'SPLUNK_HOME is not set and the app is not under <SPLUNK_HOME>/etc/apps; cannot find the apps. No events are generated.');
    lifecycle.dispose();
    return 1;
  }
  // Token files and sampleDir values use $SPLUNK_HOME; make sure it expands.
  process.env.SPLUNK_HOME ??= splunkHome;
  const names = def.stanzas.map((s) => s.name);
  const input = names.join(',') || `${SCHEME_NAME}://(none)`;
  const first = def.stanzas[0];
  const logFile = join(splunkHome, 'var', 'log', 'splunk', 'eventgen.log');
  rotateIfLarger(logFile, 10 * 1024 * 1024, 5);
  let log: Logger;
  try {
    log = createSplunkLogger({ level: parseVerbosity(first?.params.verbosity) ?? 'info', splunkHome, bindings: { input } });
  } catch (e) {
    boot.warn({ file: logFile, err: (e as Error).message }, 'Cannot open the log file; logging to splunkd.log only.');
    log = createSplunkLogger({ level: parseVerbosity(first?.params.verbosity) ?? 'info', logFile: false, bindings: { input } });
  }
  lifecycle.log = log;

  const sink = stdoutSink();
  let streamClosed = false;
  const closeStream = async (): Promise<void> => {
    if (streamClosed) return;
    streamClosed = true;
    try {
      await sink.write('</stream>\n');
    } catch {
      // stdout is gone; nothing can be closed.
    }
  };
  lifecycle.onHardExit = () => {
    // Only while no event can be half-written (the sink cuts large batches into slices): before
    // the engine starts, or when it is idle. Otherwise exiting without </stream> is the lesser
    // harm: splunkd ends the stream when the process goes.
    if (!streamClosed && !lifecycle.engineRunning) {
      streamClosed = true;
      // Through the sink (not the blocking pipe from the main thread): the exit timer must run.
      try {
        sink.write('</stream>\n').catch(() => undefined);
      } catch {
        // stdout is gone.
      }
    }
  };
  try {
    await sink.write('<stream>\n');
  } catch (e) {
    log.error({ err: (e as Error).message }, 'Cannot write to standard output; splunkd is not reading. Exiting.');
    lifecycle.dispose();
    return 1;
  }

  let code = 0;
  try {
    if (def.stanzas.length === 0) {
      log.info({}, 'The input definition has no stanza: nothing to run.');
    } else {
      code = await runStanzas(def, { appDir, splunkHome, log, lifecycle, sink, tuning });
    }
  } catch (e) {
    log.fatal({ err: (e as Error).stack ?? String(e) }, `The modular input failed: ${(e as Error).message}`);
    code = 1;
  }
  await closeStream();
  lifecycle.dispose();
  return code;
}

interface RunContext {
  appDir: string;
  splunkHome: string;
  log: Logger;
  lifecycle: Lifecycle;
  sink: StdoutSink;
  tuning: InputTuning;
}

/** Everything between the definition and the end of the stream. Returns the exit code. */
async function runStanzas(def: InputDefinition, ctx: RunContext): Promise<number> {
  // Each pass reads the configuration and runs it; a change of eventgen.conf ends the pass.
  while (await runConfiguration(def, ctx)) {
    if (ctx.lifecycle.stopped) break;
    ctx.log.info({}, 'Starting again with the new configuration; samples continue from their checkpoints.');
  }
  return 0;
}

/** Reads the configuration and runs it. True when it ended because eventgen.conf changed. */
async function runConfiguration(def: InputDefinition, ctx: RunContext): Promise<boolean> {
  const pass: PassResources = {};
  try {
    return await runOnce(def, ctx, pass);
  } finally {
    pass.watch?.stop();
    pass.offStop?.();
  }
}

/** What one pass sets up and the caller releases: the configuration watch, the stop listener. */
interface PassResources {
  watch?: ConfigWatch;
  offStop?: () => void;
}

async function runOnce(def: InputDefinition, ctx: RunContext, pass: PassResources): Promise<boolean> {
  const { log, lifecycle, splunkHome } = ctx;
  const ownApp = readAppId(ctx.appDir);
  const me: InputClaim = mergeClaims(def);
  const label = me.name;

  // ── Configuration from splunkd (or the disk when splunkd cannot be read) ───────────────────
  let client: SplunkRestClient | undefined;
  let all: AppSources;
  let others: InputClaim[] = [];
  let restOk = false;
  try {
    // Throws for a server_uri that is not a URL or an empty session key: handled like a failure.
    client = new SplunkRestClient({
      serverUri: def.serverUri,
      sessionKey: def.sessionKey,
      timeoutMs: ctx.tuning.restTimeoutMs,
      retries: 3,
      logger: log,
    });
    const entries = await client.fetchConfStanzas('eventgen', { duplicates: 'all' });
    restOk = true;
    let disabledApps = new Set<string>();
    let appsKnown = false;
    try {
      const apps: SplunkApp[] = await client.listApps();
      disabledApps = new Set(apps.filter((a) => a.disabled).map((a) => a.name));
      appsKnown = true;
    } catch (e) {
      log.warn(restErrorFields(e), `Could not list the installed apps (${(e as Error).message}); relying on splunkd's eventgen.conf view to leave out disabled apps.`);
    }
    all = sourcesFromRest(entries, { splunkHome, ownApp, disabledApps });
    log.debug({ stanzas: entries.length, apps: all.apps.map((a) => a.app) }, 'Read eventgen.conf from splunkd.');
    // Without the app list the first check that gets it sets the baseline (no false change).
    const initial = appsKnown ? confFingerprint(entries, disabledApps) : undefined;
    pass.watch = new ConfigWatch({ initial, intervalMs: reloadSeconds(me, def) * 1000, read: () => readFingerprint(def, ctx), log });
  } catch (e) {
    log.error(restErrorFields(e), `Could not read eventgen.conf from splunkd: ${(e as Error).message} Reading the apps' eventgen.conf files under ${join(splunkHome, 'etc', 'apps')} instead (user-level and etc/system/local settings are not applied).`);
    all = sourcesFromDisk(splunkHome, ownApp);
  }
  if (restOk && client) {
    try {
      const inputs: ConfStanzaEntry[] = await client.fetchConfStanzas('inputs', { app: ownApp, duplicates: 'all' });
      others = inputClaims(inputs, SCHEME_NAME).filter((c) => !def.stanzas.some((s) => s.name === c.name));
    } catch (e) {
      log.warn(restErrorFields(e), `Could not read the other ${SCHEME_NAME} inputs (${(e as Error).message}); assuming ${label} is the only enabled one.`);
    }
  } else {
    log.warn({}, `The other ${SCHEME_NAME} inputs are unknown without splunkd; assuming ${label} is the only enabled one.`);
  }
  client?.close();
  for (const d of all.diagnostics) logDiagnostic(log, d);
  if (all.disabledStanzas.length) log.info({ stanzas: all.disabledStanzas }, `Skipping ${all.disabledStanzas.length} disabled eventgen.conf stanza(s).`);

  // ── What this stanza runs ──────────────────────────────────────────────────────────────────
  const plan = planStanza(me, others, all.apps.map((a) => a.app));
  for (const n of plan.notes) log[n.level]({}, n.msg);
  if (plan.idleReason) {
    log.warn({}, `Nothing to run: ${plan.idleReason}.`);
    return idle(lifecycle, pass.watch);
  }
  const selected = restrictSources(all, plan.run);

  // ── Plugins and samples ────────────────────────────────────────────────────────────────────
  const registry = splunkRegistry(ctx.sink);
  const pluginDiags = discoverPlugins(registry, selected.apps.filter((a) => a.app !== ownApp), requestedPlugins(selected.sources));
  const resolved = resolveSamples(selected.sources, {
    schema: registry.schema,
    generatorNeedsFile: (name) => registry.generatorNeedsFile(name),
    baseGlobal: all.baseGlobal,
  });
  for (const d of [...pluginDiags, ...resolved.diagnostics]) logDiagnostic(log, d);
  for (const n of registry.notices) log.warn({}, n);

  const forced = resolved.samples.map((s) => forceOutputMode(s, registry));
  for (const f of forced) if (f.note) log.info({ sample: f.sample.id }, f.note);
  // The plugins' own checks (PLUGINS.md): a sample whose settings they reject does not start.
  const checked = checkPlugins(
    forced.map((f) => f.sample),
    registry,
    { origins: resolved.origins },
  );
  for (const d of checked.diagnostics) logDiagnostic(log, d);
  let samples = forced.map((f) => f.sample).filter((s) => !checked.broken.has(s.id));

  // ── Checkpoints ────────────────────────────────────────────────────────────────────────────
  const now = Date.now();
  let store: CheckpointStore | undefined;
  try {
    store = CheckpointStore.open(def.checkpointDir, label, log);
    const applied = applyCheckpoints(samples, store, now, {
      isQueueable: (s) => registry.get('generator', String(s.settings.generator))?.plugin.queueable ?? true,
    });
    for (const n of applied.notes) log[n.level]({ sample: n.sample }, n.msg);
    samples = applied.samples;
    for (const s of samples) store.track(s, now);
  } catch (e) {
    log.warn({ dir: def.checkpointDir, err: (e as Error).message }, 'The checkpoint folder cannot be used; a restart will start every sample over.');
    store = undefined;
  }

  const byApp = new Map<string, number>();
  for (const s of samples) byApp.set(s.app ?? '-', (byApp.get(s.app ?? '-') ?? 0) + 1);
  log.info({ apps: Object.fromEntries(byApp) }, `Running ${samples.length} sample(s) from ${byApp.size} app(s): ${[...byApp.keys()].join(', ') || 'none'}.`);
  if (samples.length === 0) {
    log.warn({}, `No sample to run for ${label}; waiting for splunkd to stop the input.`);
    store?.stop();
    return idle(lifecycle, pass.watch);
  }
  if (lifecycle.stopped) {
    store?.stop();
    return false;
  }

  // ── The run ────────────────────────────────────────────────────────────────────────────────
  const workers = workerCount(me, def, resolved.engine.generatorWorkers);
  const seedSetting = resolved.engine.seed;
  const seed = typeof seedSetting === 'number' ? seedSetting : randomSeed();
  const metrics = new SampleMetrics(samples.map((s) => metricsSample(s, registry)), {
    file: join(splunkHome, 'var', 'log', 'splunk', 'eventgen-metrics.log'),
    periodMs: ctx.tuning.metricsPeriodMs,
    input: label,
  });
  const executor = createExecutor({ registry, seed, log, workers, samples });
  const engine = new Engine({
    samples,
    registry,
    clock: new RealClock(),
    seed,
    log,
    executor,
    outputWorkers: Number(resolved.engine.outputWorkers ?? 1),
    resumeState: (id) => store?.get(id)?.state,
    onState: (id, state) => store?.saveState(id, state),
    onInterval: (id, events, at) => {
      metrics.onInterval(id, events);
      store?.record(id, events, at);
    },
  });
  metrics.start(() => engine.runners());
  store?.autoSave(2000);
  // Removed when this pass ends, so a reload leaves no engine reachable from the lifecycle.
  pass.offStop = lifecycle.onStop(() => engine.stop());
  // A changed eventgen.conf: flush and stop like SIGTERM would, then the caller starts again.
  // Outputs get the same grace as at a stop, so a dead server cannot hold the new configuration
  // (which may well be its fix) back; what they could not deliver is reported.
  let reloadDeadline: number | undefined;
  void pass.watch?.changed.then(() => {
    if (lifecycle.stopped) return;
    reloadDeadline = Date.now() + ctx.tuning.stopGraceMs;
    log.info({}, 'eventgen.conf changed in splunkd; flushing the running samples to start them again with it.');
    engine.stop();
  });
  log.debug({ workers, seed }, 'Engine starting.');
  lifecycle.engineRunning = true;
  const summary = await engine.run({ closeDeadline: () => Math.min(lifecycle.closeDeadline, reloadDeadline ?? Infinity) });
  lifecycle.engineRunning = false;
  metrics.stop();
  if (metrics.writeError) log.warn({ err: metrics.writeError.message }, 'Could not write the metrics log file.');
  store?.stop();
  report(summary, log);
  if (lifecycle.stopped) return false;
  if (reloadDeadline !== undefined) return true;
  log.info({}, 'Every sample has finished; waiting for splunkd to stop the input, or for eventgen.conf to change (a restart does not repeat finished samples).');
  return idle(lifecycle, pass.watch);
}

/** The fingerprint of splunkd's eventgen.conf now (see reload.ts). */
async function readFingerprint(def: InputDefinition, ctx: RunContext): Promise<string> {
  const client = new SplunkRestClient({ serverUri: def.serverUri, sessionKey: def.sessionKey, timeoutMs: ctx.tuning.restTimeoutMs, retries: 0 });
  try {
    const entries = await client.fetchConfStanzas('eventgen', { duplicates: 'all' });
    const apps = await client.listApps();
    return confFingerprint(entries, apps.filter((a) => a.disabled).map((a) => a.name));
  } finally {
    client.close();
  }
}

function reloadSeconds(me: InputClaim, def: InputDefinition): number {
  const param = def.stanzas.find((s) => s.name === me.name)?.params.reload_interval?.trim();
  return param && /^\d+$/.test(param) ? Number(param) : DEFAULT_RELOAD_SECONDS;
}

/** Keeps the process (and the open stream) alive until splunkd stops it (false) or eventgen.conf changes (true). */
function idle(lifecycle: Lifecycle, watch?: ConfigWatch): Promise<boolean> {
  // A referenced timer keeps the event loop alive while nothing else does.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let off: () => void = () => undefined;
  const stopped = new Promise<boolean>((r) => (off = lifecycle.onStop(() => r(false))));
  const changed = watch ? watch.changed.then(() => true) : new Promise<boolean>(() => undefined);
  return Promise.race([stopped, changed]).finally(() => {
    clearInterval(keepAlive);
    off();
  });
}

/**
 * The claim of this process. Normally one stanza (use_single_instance = false); if splunkd ever
 * sends several, they run as one: the first name, and no apps restriction if any stanza has none.
 */
function mergeClaims(def: InputDefinition): InputClaim {
  const lists = def.stanzas.map((s) => parseAppsList(s.params.apps));
  const apps = lists.some((l) => l.length === 0) ? [] : [...new Set(lists.flat())];
  return { name: def.stanzas[0]?.name ?? `${SCHEME_NAME}://(none)`, apps };
}

function workerCount(me: InputClaim, def: InputDefinition, fromGlobal: unknown): number {
  const param = def.stanzas.find((s) => s.name === me.name)?.params.generator_workers?.trim();
  if (param && /^\d+$/.test(param) && Number(param) >= 1) return Number(param);
  if (typeof fromGlobal === 'number' && fromGlobal > 0) return fromGlobal;
  // Inside Splunk, leave half the cores to splunkd.
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

/**
 * A registry with every built-in plugin, where `modinput` gives each sample a runner of its own
 * (so metrics are per sample) and writes through the shared stdout sink; this process writes
 * `<stream>` and `</stream>` itself, once, whatever the number of samples.
 */
export function splunkRegistry(sink: StdoutSink): PluginRegistry {
  const base = builtinRegistry();
  const reg = new PluginRegistry();
  const modinput = base.get('output', 'modinput');
  if (!modinput?.plugin.encode) throw new Error('the built-in modinput output is missing');
  reg.register(perSampleModinput(modinput.plugin, sink), { app: 'builtin' });
  for (const kind of ['generator', 'rater', 'output'] as PluginKind[]) {
    for (const name of base.names(kind)) {
      if (kind === 'output' && name === 'modinput') continue;
      const r = base.get(kind, name)!;
      reg.register(r.plugin, r.origin);
    }
  }
  return reg;
}

function perSampleModinput(base: OutputPlugin, sink: StdoutSink): OutputPlugin {
  const encode = base.encode!.bind(base);
  return {
    kind: 'output',
    name: base.name,
    apiVersion: base.apiVersion,
    description: base.description,
    batchSize: base.batchSize,
    encode,
    instanceKey: (sample) => `sample:${sample.id}`,
    create: (sample) => ({
      send: (batch) => sink.write(batch.encoded ?? encode(batch.events ?? [], sample.settings)),
    }),
  };
}

/**
 * Inside Splunk, events go to splunkd. As SA-Eventgen did, every output becomes `modinput`
 * except `file` and `spool` (and `devnull`, which is harmless); `stdout` must, since stdout is
 * the XML stream. An output plugin shipped by an app is kept: its author put it there for Splunk.
 */
export function forceOutputMode(sample: SampleSpec, registry: PluginRegistry): { sample: SampleSpec; note?: string } {
  const mode = String(sample.settings.outputMode);
  if (KEPT_OUTPUTS.has(mode)) return { sample };
  const reg = registry.get('output', mode);
  if ((reg && reg.origin.app !== 'builtin') || registry.failures.has(`output:${mode}`)) return { sample };
  return {
    sample: { ...sample, settings: { ...sample.settings, outputMode: 'modinput' } },
    note: `Sample ${sample.id}: outputMode = ${mode} is replaced by modinput inside Splunk (as SA-Eventgen did); only file, spool and devnull are kept.`,
  };
}

function metricsSample(s: SampleSpec, registry: PluginRegistry): MetricsSample {
  const out = registry.get('output', String(s.settings.outputMode))?.plugin;
  const outputKey = out ? `${out.name}:${out.instanceKey?.(s) ?? out.name}` : `unknown:${String(s.settings.outputMode)}`;
  return { id: s.id, app: s.app, stanza: s.stanza, outputKey };
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Logging helpers: secrets never reach a log line
// ─────────────────────────────────────────────────────────────────────────────────────────────

/** Settings whose values are secrets (HEC tokens, passwords, keys). */
const SECRET_SETTING = /^(httpeventServers|sessionKey|splunkPass|accessToken|scsAccessToken|scsClientSecret|awsSecretKey|awsKeyId)$|(password|passwd|secret|apikey|api_key)$/i;

export function redactDiagnostic(d: Diagnostic): Diagnostic {
  if (!d.setting || !SECRET_SETTING.test(d.setting)) return d;
  // The message may quote the value (a JSON parse error shows part of it): keep its first clause.
  const head = d.message.split(/[(:]/)[0].trim();
  return { ...d, value: d.value === undefined ? undefined : '[REDACTED]', message: `${head} (details hidden: this setting holds a secret).` };
}

function logDiagnostic(log: Logger, d: Diagnostic): void {
  const r = redactDiagnostic(d);
  const text = formatDiagnostic(r).replace(/^(ERROR|WARNING|INFO) /, '');
  const fields = { stanza: r.stanza, setting: r.setting };
  if (r.severity === 'error') log.error(fields, text);
  else if (r.severity === 'warning') log.warn(fields, text);
  else log.debug(fields, text);
}

function restErrorFields(e: unknown): Record<string, unknown> {
  if (e instanceof SplunkRestError) return { request: e.request, status: e.status, kind: e.kind, attempts: e.attempts };
  return { err: String((e as Error)?.message ?? e) };
}

/** Removes the session key from an error message about the definition (it may quote the text). */
function scrubSessionKey(message: string, raw: Buffer | undefined): string {
  if (!raw) return message;
  const text = raw.toString('utf8').replace(/\u0000/g, '');
  const m = /<session_key>([^<]*)<\/session_key>/.exec(text);
  const key = m?.[1].trim();
  return key && key.length >= 4 ? message.split(key).join('[REDACTED]') : message;
}

/** Output totals at the end (the engine has already logged each sample that stopped on an error). */
function report(summary: RunSummary, log: Logger): void {
  for (const o of summary.outputs) {
    const m = o.metrics;
    const line = { output: o.key, events: m.events, bytes: m.bytes, retries: m.retries, errors: m.errors, undeliverable: m.undeliverable, lost: m.lost };
    if (m.undeliverable || m.lost) log.warn(line, `Output ${o.key}: ${m.events} events delivered, ${m.undeliverable} undeliverable, ${m.lost} lost.`);
    else log.debug(line, `Output ${o.key}: ${m.events} events delivered.`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => exitAfterFlush(code),
    (e: Error) => {
      process.stderr.write(`FATAL ${(e.stack ?? e.message).replace(/\n/g, '\\n')}\n`);
      exitAfterFlush(70);
    },
  );
}

/** Exits once stdout has taken everything written so far (a held-open stdin must not keep us). */
export function exitAfterFlush(code: number): void {
  process.exitCode = code;
  process.stdin.destroy();
  process.stdout.write('', () => exitNow(code));
  setTimeout(() => exitNow(code), 2000).unref();
}
