/**
 * Configuration changes while the input runs. Every `reload_interval` seconds the input asks
 * splunkd for eventgen.conf again (the same `configs/conf-eventgen` listing it started from) and
 * for the disabled apps; when their fingerprint changed, it flushes the running samples and starts
 * them again with the new configuration — the checkpoints make them continue where they were,
 * so an edit in Settings or in an app's local/eventgen.conf needs no restart of the input.
 *
 * The fingerprint covers what decides the run: each stanza's app, name, disabled flag and
 * settings, and which apps are disabled. A failed check is not a change: it is logged at debug
 * level and the next period tries again.
 */
import { createHash } from 'node:crypto';
import type { ConfStanzaEntry } from './rest';

/** Default `reload_interval`, in seconds. */
export const DEFAULT_RELOAD_SECONDS = 60;

export function confFingerprint(entries: readonly ConfStanzaEntry[], disabledApps: Iterable<string>): string {
  const rows = entries
    .map((e) => JSON.stringify([e.app, e.name, e.disabled, Object.entries(e.settings).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]))
    .sort();
  const hash = createHash('sha256');
  for (const r of rows) hash.update(r).update('\n');
  hash.update(JSON.stringify([...disabledApps].sort()));
  return hash.digest('hex');
}

export interface ConfigWatchOptions {
  /** The fingerprint the running configuration was built from; unknown: the first read sets it. */
  readonly initial?: string;
  readonly intervalMs: number;
  /** Reads the current fingerprint from splunkd (throws when splunkd cannot be read). */
  readonly read: () => Promise<string>;
  readonly log: { debug(obj: object, msg?: string): void };
}

/** Polls until the configuration changes (`changed` resolves) or stop() is called. */
export class ConfigWatch {
  readonly changed: Promise<void>;
  #timer?: NodeJS.Timeout;
  #stopped = false;
  #busy = false;
  #baseline?: string;

  constructor(private readonly opts: ConfigWatchOptions) {
    let resolveChanged: () => void = () => undefined;
    this.changed = new Promise((r) => (resolveChanged = r));
    this.#baseline = opts.initial;
    if (opts.intervalMs <= 0) return;
    this.#timer = setInterval(() => void this.#check(resolveChanged), opts.intervalMs);
    // The engine or the idle wait keeps the process alive; polling alone must not.
    this.#timer.unref();
  }

  async #check(onChange: () => void): Promise<void> {
    if (this.#busy || this.#stopped) return;
    this.#busy = true;
    try {
      const now = await this.opts.read();
      this.#baseline ??= now;
      if (!this.#stopped && now !== this.#baseline) {
        this.stop();
        onChange();
      }
    } catch (e) {
      this.opts.log.debug({ err: (e as Error).message }, 'Could not check eventgen.conf for changes; trying again later.');
    } finally {
      this.#busy = false;
    }
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
