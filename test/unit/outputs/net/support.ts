/**
 * Shared by the network output tests: a SampleSpec with just the settings a test sets, a logger
 * that records, event factories, and `deliver()`, a small stand-in for the output runner's retry
 * contract (RetryableError → back off and send the same batch again; PermanentError → give up).
 */
import type { EventRecord, Output, OutputBatch, OutputPlugin, PluginLogger, SampleSpec } from '../../../../lib/plugins/api';
import { PermanentError, RetryableError } from '../../../../lib/plugins/api';

export function sampleSpec(settings: Record<string, unknown>, stanza = 'net_test'): SampleSpec {
  return { id: stanza, stanza, confDir: __dirname, confFile: `${__dirname}/eventgen.conf`, sampleDir: __dirname, settings, tokens: [] };
}

export interface RecordingLog extends PluginLogger {
  readonly lines: { level: string; msg: string }[];
  text(level?: string): string;
}

export function recordingLog(): RecordingLog {
  const lines: { level: string; msg: string }[] = [];
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      lines.push({ level, msg: typeof obj === 'string' ? obj : `${msg ?? ''} ${JSON.stringify(obj)}` });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: (level) => lines.filter((l) => !level || l.level === level).map((l) => l.msg).join('\n'),
  };
}

export function create(plugin: OutputPlugin, settings: Record<string, unknown>, log: PluginLogger = recordingLog()): Output {
  const sample = sampleSpec(settings);
  return plugin.create(sample, { log, sample });
}

/** `n` events whose raw starts with a unique id `<prefix>-<i>`. */
export function makeEvents(n: number, prefix = 'ev', extra: Partial<EventRecord> = {}, rawTail = ' action=login user="bob" msg="a\\tb"'): EventRecord[] {
  const out: EventRecord[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ raw: `${prefix}-${i}${rawTail}`, time: 1732737600 + i + 0.25, index: 'main', host: 'web-01', source: 'eventgen.log', sourcetype: 'eventgen', ...extra });
  }
  return out;
}

export function batchOf(events: EventRecord[]): OutputBatch {
  return { count: events.length, events };
}

export interface DeliverResult {
  attempts: number;
  retryable: string[];
}

/** Sends `batch` like the runner: RetryableError → wait (honouring retryAfterMs, capped) and resend. */
export async function deliver(out: Output, batch: OutputBatch, opts: { attempts?: number; backoffMs?: number; maxWaitMs?: number } = {}): Promise<DeliverResult> {
  const attempts = opts.attempts ?? 50;
  let wait = opts.backoffMs ?? 20;
  const retryable: string[] = [];
  for (let a = 1; ; a++) {
    try {
      await out.send(batch);
      return { attempts: a, retryable };
    } catch (e) {
      if (e instanceof PermanentError || !(e instanceof RetryableError) || a >= attempts) throw e;
      retryable.push(e.message);
      await sleep(Math.min(Math.max(wait, e.retryAfterMs ?? 0), opts.maxWaitMs ?? 300));
      wait = Math.min(wait * 2, opts.maxWaitMs ?? 300);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` until true or the timeout passes. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await sleep(20);
  }
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown> | unknown): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection, but it resolved');
}
