/**
 * The public plugin API (version 1). Built-in raters, generators and outputs use exactly this
 * interface, and so do plugins shipped in other apps' bin/ or lib/plugins/<kind>/ folders.
 * PLUGINS.md documents it with one complete example of each kind.
 *
 * Pipeline: a rater turns a sample's base count into this interval's count; the scheduler cuts
 * it into jobs; a generator turns a job into events (on a worker thread when it is queueable);
 * the output runner hands batches of events to an output.
 */
import type { SettingDef } from '../conf/types';
import type { ReplacementType } from '../conf/settings';
import type { Random } from '../util/random';

export const PLUGIN_API_VERSION = 1;

export type PluginKind = 'rater' | 'generator' | 'output';

/** The minimum logger plugins may rely on (pino's signature). */
export interface PluginLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** One generated event, as every output receives it. */
export interface EventRecord {
  /** Event text without a trailing newline (outputs add their own framing). */
  raw: string;
  /** Epoch seconds; may be fractional. */
  time: number;
  index: string;
  host: string;
  source: string;
  sourcetype: string;
}

export interface TokenSpec {
  /** Position in the stanza (`token.<n>.*`), used in messages. */
  readonly n: number;
  readonly token: string;
  readonly replacementType: ReplacementType;
  readonly replacement: string;
}

/**
 * A resolved stanza for one sample file (or for no file, for generators that need none).
 * Plain data, so it can be sent to worker threads.
 */
export interface SampleSpec {
  /** Unique id: `<app>/<stanza>` or `<stanza>`, plus `:<file>` when a regex stanza matched several files. */
  readonly id: string;
  /** Stanza name as written in eventgen.conf. */
  readonly stanza: string;
  readonly app?: string;
  /** Absolute path of the sample file, when there is one. */
  readonly file?: string;
  /** Folder of the conf file that defined the stanza; relative paths resolve against it. */
  readonly confDir: string;
  readonly confFile: string;
  readonly sampleDir: string;
  /** Every schema setting with its typed value (defaults and [global] applied). */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly tokens: readonly TokenSpec[];
  readonly hostToken?: { readonly token: string; readonly replacement: string };
}

/** One unit of generation work: `count` events whose timestamps fall in [earliest, latest]. */
export interface GenerationJob {
  readonly sampleId: string;
  /** Job number for this sample, starting at 0; together with the run seed it seeds `random`. */
  readonly seq: number;
  readonly count: number;
  /** Epoch milliseconds. */
  readonly earliest: number;
  readonly latest: number;
  /** The (possibly simulated) time at which the job was planned, epoch ms. */
  readonly now: number;
  /** Events of this sample generated before this job; drives integerid and seqfile tokens. */
  readonly eventOffset: number;
  /** Position of the job's first event within its interval, and the interval's total count. */
  readonly intervalOffset: number;
  readonly intervalCount: number;
}

export interface GeneratorContext {
  readonly random: Random;
  readonly log: PluginLogger;
}

/** What a non-queueable generator gets to drive its own timing (replay). */
export interface GeneratorRunIO {
  readonly random: Random;
  readonly log: PluginLogger;
  /** Current time in epoch ms (a fixed or simulated clock in tests and with --now). */
  now(): number;
  /** Resolves after `ms` of clock time, or early when the run is stopping. */
  sleep(ms: number): Promise<void>;
  /** Hands events to the output; resolves when the output runner has accepted them. */
  emit(events: EventRecord[]): Promise<void>;
  /** Set when the run must stop (end reached, SIGTERM). */
  readonly signal: AbortSignal;
  /**
   * What this sample's generator last passed to saveState() before the modular input was
   * restarted (Splunk mode keeps it in the checkpoint folder); undefined on a first run and on
   * the command line. Check its shape: it may come from an older version of the plugin.
   */
  readonly resumeState?: unknown;
  /**
   * Records where the run is (a small JSON-serialisable value, e.g. pass and event number), so
   * that a restart can continue instead of starting over. Cheap to call after every emit.
   */
  saveState(state: unknown): void;
}

export interface Generator {
  /** Queueable generators: build the events of one job. Must be synchronous-safe on a worker thread. */
  generate?(job: GenerationJob, ctx: GeneratorContext): EventRecord[] | Promise<EventRecord[]>;
  /** Non-queueable generators: run until done or until io.signal aborts. */
  run?(io: GeneratorRunIO): Promise<void>;
  /** Number of events in the sample, so that `count = -1` ("the whole sample") can be rated. */
  readonly sampleSize?: number;
  close?(): void | Promise<void>;
}

export interface PluginBase {
  readonly kind: PluginKind;
  /** The name used in `generator =`, `rater =` or `outputMode =`. */
  readonly name: string;
  /** Must equal PLUGIN_API_VERSION. */
  readonly apiVersion: number;
  readonly description?: string;
  /**
   * Settings this plugin adds to the schema (and to the generated .conf.spec). Plugins written
   * in plain JavaScript may leave out `inherit` (default true: a per-stanza setting, defaulted
   * from [global]) and `group` (default "<kind> plugin <name>"); the registry fills them in.
   */
  readonly settings?: readonly SettingDef[];
  /**
   * Optional: finds what is wrong with a sample's settings before anything runs. `eventgen
   * validate` calls it for every resolved sample that uses this plugin, and `eventgen generate`
   * at start (a sample with a problem does not run). Returns the problems in words — a string,
   * or a SettingProblem naming the setting at fault — and an empty list or nothing when all is
   * well. Synchronous; it must not create or write files or open sockets (reading a file that a
   * setting names, such as a CA certificate, to see that it is usable is fine). A check that
   * throws reports one problem: the error's message, against its `setting` when it has one.
   * Optional, so plugins written before it existed stay valid API version 1 plugins.
   */
  check?(sample: SampleSpec): readonly (string | SettingProblem)[] | void;
}

/** One problem a plugin's check() found. */
export interface SettingProblem {
  /**
   * The setting at fault: validate shows its file, line and value. Without it the problem is
   * reported against the setting that chose the plugin (`outputMode`, `generator` or `rater`).
   */
  readonly setting?: string;
  readonly message: string;
}

export interface GeneratorPlugin extends PluginBase {
  readonly kind: 'generator';
  /** false: runs in order on its own timer through `run()` (the original's replay). */
  readonly queueable: boolean;
  /** false: a stanza with no matching sample file still runs (windbag, jinja, counter). */
  readonly needsSampleFile: boolean;
  /** Called once per sample (and once per worker thread); may throw to stop just this sample. */
  create(sample: SampleSpec, ctx: { log: PluginLogger }): Generator;
}

export interface Rater {
  /** This interval's count (or byte volume) for a base count at time `at` (epoch ms). */
  rate(baseCount: number, at: number, random: Random): number;
}

export interface RaterPlugin extends PluginBase {
  readonly kind: 'rater';
  create(sample: SampleSpec, ctx: { log: PluginLogger }): Rater;
}

/**
 * A batch handed to an output. When the plugin has `encode`, the runner supplies `encoded`
 * (often built on a worker thread) and may omit `events`; otherwise `events` is always set.
 */
export interface OutputBatch {
  readonly count: number;
  readonly events?: readonly EventRecord[];
  readonly encoded?: string;
}

export interface Output {
  /** Delivers one batch. Throw RetryableError/PermanentError (below) to steer the runner. */
  send(batch: OutputBatch): void | Promise<void>;
  /** Pushes buffered data out; called before close and at shutdown. */
  flush?(): void | Promise<void>;
  /** Idempotent; releases files and sockets. */
  close?(): void | Promise<void>;
}

export interface OutputContext {
  readonly log: PluginLogger;
  /** The stanza the first user of this output came from, for messages. */
  readonly sample: SampleSpec;
}

export interface OutputPlugin extends PluginBase {
  readonly kind: 'output';
  /** Events per send() (the original's MAXQUEUELENGTH); `maxQueueLength` overrides it. */
  readonly batchSize: number;
  /** Pure and synchronous, so the runner may call it on a generator worker thread. */
  encode?(events: readonly EventRecord[], settings: Readonly<Record<string, unknown>>): string;
  /** Samples whose key is equal share one instance (one file handle, one HEC client). Default: the plugin name. */
  instanceKey?(sample: SampleSpec): string;
  /**
   * true: send() calls are independent (HTTP requests, say), so the runner may keep up to
   * `outputWorkers` batches in flight at once; they start in order but may finish out of order.
   * Default false: one batch at a time, in order (files, stdout).
   */
  readonly concurrentSends?: boolean;
  /** May throw a PermanentError for bad settings; only the samples using it stop. */
  create(sample: SampleSpec, ctx: OutputContext): Output;
}

export type Plugin = RaterPlugin | GeneratorPlugin | OutputPlugin;

/** A failure worth retrying (connection refused, 5xx, server busy). Duck-typed like PermanentError. */
export class RetryableError extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'RetryableError';
  }
}

/**
 * A failure that will not go away by retrying (bad token, bad settings). `fatal`: no later
 * batch can succeed either (the reader closed the pipe): the output is taken out of service at
 * once and the samples using it stop. Plugins that cannot import this class throw any Error
 * whose name is "PermanentError" (and set `fatal = true` on it when it applies). `setting`
 * names the setting at fault when bad settings are the cause.
 */
export class PermanentError extends Error {
  readonly fatal: boolean;
  /** The setting at fault, when bad settings are the cause (check() reports it there). */
  readonly setting?: string;
  constructor(message: string, opts: { fatal?: boolean; setting?: string } = {}) {
    super(message);
    this.name = 'PermanentError';
    this.fatal = opts.fatal === true;
    if (opts.setting !== undefined) this.setting = opts.setting;
  }
}
