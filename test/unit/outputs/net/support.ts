/**
 * Shared by the network output tests: a SampleSpec with just the settings a test sets, a logger
 * that records, event factories, and `deliver()`, a small stand-in for the output runner's retry
 * contract (RetryableError → back off and send the same batch again; PermanentError → give up).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
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

export interface BodySink {
  /** The `httpeventServers` entry for this sink. */
  readonly server: { protocol: string; address: string; port: number; key: string };
  /** Each request's body as received (gunzipped), as latin1: one character a byte, so compared byte for byte. */
  readonly bodies: string[];
  /** Each request's path and query string. */
  readonly paths: string[];
  close(): Promise<void>;
}

/** A HEC that accepts everything and records the request bodies (the HEC stand-in parses them instead). */
export async function bodySink(): Promise<BodySink> {
  const bodies: string[] = [];
  const paths: string[] = [];
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const wire = Buffer.concat(chunks);
      bodies.push((req.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire).toString('latin1'));
      paths.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"text":"Success","code":0}');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  return { server: { protocol: 'http', address: '127.0.0.1', port, key: 'k' }, bodies, paths, close: () => new Promise<void>((r) => srv.close(() => r())) };
}
