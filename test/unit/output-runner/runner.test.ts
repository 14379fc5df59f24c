/**
 * The output runner with fake outputs: order, batching, retries and backoff, permanent vs
 * retryable errors, a plugin that throws on every batch, bounded memory while an output is
 * stuck, concurrent sends (outputWorkers), lost jobs, and the orderly close.
 */
import type { EventRecord, Output, OutputBatch, OutputPlugin, PluginLogger } from '../../../lib/plugins/api';
import { PermanentError, PLUGIN_API_VERSION, RetryableError } from '../../../lib/plugins/api';
import { OutputFailedError, OutputRunner, type JobResult, type RunnerOptions } from '../../../lib/output/runner';
import { JobError } from '../../../lib/engine/executor';

interface Logged {
  level: string;
  msg: string;
  obj: Record<string, unknown>;
}

function recordingLog(): PluginLogger & { lines: Logged[] } {
  const lines: Logged[] = [];
  const at = (level: string) => (obj: object | string, msg?: string) => {
    lines.push(typeof obj === 'string' ? { level, msg: obj, obj: {} } : { level, msg: msg ?? '', obj: obj as Record<string, unknown> });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function plugin(extra: Partial<OutputPlugin> = {}): OutputPlugin {
  return { kind: 'output', name: 'fake', apiVersion: PLUGIN_API_VERSION, batchSize: 10, create: () => ({ send: () => undefined }), ...extra };
}

function events(from: number, n: number): EventRecord[] {
  return Array.from({ length: n }, (_, i) => ({ raw: `e${from + i}`, time: 0, index: 'main', host: 'h', source: 's', sourcetype: 't' }));
}

/** A job result of `n` events numbered from `from`. */
function job(from: number, n: number): JobResult {
  return { count: n, events: events(from, n) };
}

function rawsOf(batches: OutputBatch[]): string[] {
  return batches.flatMap((b) => (b.events ?? []).map((e) => e.raw));
}

function runner(output: Output, opts: Partial<RunnerOptions> = {}, p: OutputPlugin = plugin()): { r: OutputRunner; log: ReturnType<typeof recordingLog>; waits: number[] } {
  const log = recordingLog();
  const waits: number[] = [];
  const r = new OutputRunner('fake:fake', p, output, {
    batchSize: 10,
    log,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...opts,
  });
  return { r, log, waits };
}

describe('OutputRunner', () => {
  test('delivers jobs in submission order, in batches of batchSize, even when later jobs finish first', async () => {
    const sent: OutputBatch[] = [];
    const { r } = runner({ send: (b) => void sent.push(b) });
    let release!: (v: JobResult) => void;
    const slow = new Promise<JobResult>((res) => (release = res));
    const p1 = r.submit(slow, 'a');
    const p2 = r.submit(job(25, 5), 'b');
    await Promise.all([p1, p2]);
    expect(sent).toHaveLength(0); // the first job is not done: nothing may overtake it
    release(job(0, 25));
    await r.drain();
    expect(sent.map((b) => b.count)).toEqual([10, 10, 5, 5]);
    expect(rawsOf(sent)).toEqual(events(0, 30).map((e) => e.raw));
    expect(r.metrics).toMatchObject({ events: 30, batches: 4, errors: 0, dropped: 0 });
    expect(r.metrics.bytes).toBe(rawsOf(sent).join('').length);
  });

  test('passes encoded batches through, counting their bytes (strings and UTF-8 bytes alike)', async () => {
    const sent: OutputBatch[] = [];
    const { r } = runner({ send: (b) => void sent.push(b) }, {}, plugin({ encode: (evs) => evs.map((e) => e.raw + '\n').join('') }));
    await r.submit({ count: 3, encoded: ['a\nb\n', Buffer.from('é\n')], counts: [2, 1] }, 's');
    await r.submit(job(0, 2), 's'); // unencoded events are encoded by the runner
    await r.drain();
    expect(sent.map((b) => b.count)).toEqual([2, 1, 2]);
    expect(sent[2].encoded).toBe('e0\ne1\n');
    expect(r.metrics.bytes).toBe(4 + 3 + 6);
  });

  test('retries a RetryableError with exponential backoff, honours retryAfterMs, then succeeds', async () => {
    let calls = 0;
    const sent: OutputBatch[] = [];
    const output: Output = {
      send(b) {
        calls++;
        if (calls === 1) throw new RetryableError('HEC busy');
        if (calls === 2) throw new RetryableError('HEC busy');
        if (calls === 3) throw new RetryableError('429', 5000);
        sent.push(b);
      },
    };
    const { r, log, waits } = runner(output, { initialBackoffMs: 100, maxBackoffMs: 1000 });
    await r.submit(job(0, 5), 's');
    await r.drain();
    expect(rawsOf(sent)).toEqual(events(0, 5).map((e) => e.raw));
    expect(r.metrics).toMatchObject({ events: 5, retries: 3, errors: 3, undeliverable: 0 });
    // 100 then 200 (±25 % jitter), then retryAfterMs capped at maxBackoffMs.
    expect(waits[0]).toBeGreaterThanOrEqual(75);
    expect(waits[0]).toBeLessThanOrEqual(125);
    expect(waits[1]).toBeGreaterThanOrEqual(150);
    expect(waits[1]).toBeLessThanOrEqual(250);
    expect(waits[2]).toBeGreaterThanOrEqual(750);
    expect(waits[2]).toBeLessThanOrEqual(1250);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(3);
  });

  test('a PermanentError is not retried: the batch is undeliverable and later batches still go', async () => {
    const sent: OutputBatch[] = [];
    let calls = 0;
    const { r, log, waits } = runner({
      send(b) {
        if (++calls === 1) throw new PermanentError('event too large');
        sent.push(b);
      },
    });
    await r.submit(job(0, 20), 's');
    await r.drain();
    expect(waits).toEqual([]);
    expect(rawsOf(sent)).toEqual(events(10, 10).map((e) => e.raw));
    expect(r.metrics).toMatchObject({ events: 10, undeliverable: 10, dropped: 10, retries: 0, errors: 1 });
    expect(r.failed).toBeUndefined();
    expect(log.lines.find((l) => l.level === 'error')?.msg).toMatch(/rejected a batch permanently/);
  });

  test('errors from plugins that cannot import our classes are read by name (and retryAfterMs)', async () => {
    let calls = 0;
    const { r, waits } = runner({
      send() {
        calls++;
        if (calls === 1) throw Object.assign(new Error('busy'), { name: 'RetryableError', retryAfterMs: 300 });
        if (calls === 2) throw Object.assign(new Error('bad token'), { name: 'PermanentError' });
      },
    });
    await r.submit(job(0, 20), 's');
    await r.drain();
    expect(calls).toBe(3);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(225);
    expect(r.metrics).toMatchObject({ events: 10, undeliverable: 10, retries: 1 });
  });

  test('a fatal PermanentError takes the output out of service at once; submit then throws', async () => {
    const { r, log } = runner({
      send() {
        throw new PermanentError('standard output was closed by its reader (EPIPE)', { fatal: true });
      },
    });
    await r.submit(job(0, 30), 's');
    await r.drain();
    expect(r.failed?.message).toMatch(/EPIPE/);
    expect(r.metrics).toMatchObject({ events: 0, undeliverable: 30, errors: 1 });
    await expect(r.submit(job(30, 5), 's')).rejects.toThrow(OutputFailedError);
    await r.drain();
    expect(r.metrics.undeliverable).toBe(35); // the refused job is still accounted for
    expect(log.lines.some((l) => /out of service/.test(l.msg))).toBe(true);
  });

  test('a plugin that throws on every batch: a few attempts each, then out of service with a clear message', async () => {
    let calls = 0;
    const { r } = runner(
      {
        send() {
          calls++;
          throw new Error('disk on fire');
        },
      },
      { maxUnknownAttempts: 3, maxConsecutiveFailures: 3 },
    );
    await r.submit(job(0, 30), 'sample_a');
    await r.submit(job(30, 30), 'sample_a');
    await r.drain();
    expect(calls).toBe(9); // 3 batches × 3 attempts, then nothing more is tried
    expect(r.metrics).toMatchObject({ events: 0, undeliverable: 60, errors: 9, retries: 6 });
    const err = await r.submit(job(60, 1), 'sample_a').catch((e: Error) => e);
    expect(err).toBeInstanceOf(OutputFailedError);
    expect((err as Error).message).toBe('output "fake" stopped: 3 batches failed in a row; last error: disk on fire');
  });

  test('non-Error throws are described, not lost', async () => {
    const { r, log } = runner(
      {
        send() {
          throw { code: 7 };
        },
      },
      { maxUnknownAttempts: 1 },
    );
    await r.submit(job(0, 5), 's');
    await r.drain();
    expect(log.lines.find((l) => l.level === 'error')?.obj.err).toBe('object thrown: {"code":7}');
  });

  test('a job that failed is counted as lost (with onLost) and the queue moves on', async () => {
    const sent: OutputBatch[] = [];
    const { r } = runner({ send: (b) => void sent.push(b) });
    const lost: Array<[number, string]> = [];
    await r.submit(Promise.reject(new JobError('generator "x" failed: boom', 40)), 's', (n, e) => lost.push([n, e.message]));
    await r.submit(job(0, 5), 's');
    await r.drain();
    expect(lost).toEqual([[40, 'generator "x" failed: boom']]);
    expect(r.metrics).toMatchObject({ lost: 40, dropped: 40, events: 5 });
    expect(rawsOf(sent)).toHaveLength(5);
  });

  test('memory stays bounded while an output is stuck: submit() blocks after maxPending jobs', async () => {
    let unstick!: () => void;
    const stuck = new Promise<void>((res) => (unstick = res));
    const sent: string[] = [];
    const { r } = runner({
      async send(b) {
        await stuck;
        sent.push(...(b.encoded ? [String(b.encoded)] : []));
      },
    }, { maxPending: 3 });
    // A producer that would make 200 jobs of 1 MB each (200 MB) if nothing held it back.
    const MB = 'x'.repeat(1 << 20);
    let produced = 0;
    const producer = (async () => {
      for (let i = 0; i < 200; i++) {
        await r.submit({ count: 1, encoded: [MB + i], counts: [1] }, 's');
        produced++;
      }
    })();
    const heapBefore = process.memoryUsage().heapUsed;
    await new Promise((res) => setTimeout(res, 200));
    expect(produced).toBeLessThanOrEqual(3);
    expect(r.pending).toBeLessThanOrEqual(4);
    expect(r.metrics.maxQueued).toBeLessThanOrEqual(4);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 << 20);
    unstick();
    await producer;
    await r.drain();
    expect(produced).toBe(200);
    expect(sent).toHaveLength(200);
    expect(sent[199].endsWith('199')).toBe(true);
    expect(r.metrics.maxQueued).toBeLessThanOrEqual(4);
  });

  test('a stuck output whose close deadline passes gives up: the rest is undeliverable', async () => {
    const { r } = runner(
      {
        send() {
          throw new RetryableError('connection refused');
        },
      },
      { sleep: (ms) => new Promise((res) => setTimeout(res, Math.min(ms, 20))), initialBackoffMs: 50 },
    );
    await r.submit(job(0, 10), 's');
    const metrics = await r.close(Date.now() + 120);
    expect(metrics.undeliverable).toBe(10);
    expect(metrics.retries).toBeGreaterThan(0);
  });

  test('outputWorkers: concurrent sends only for plugins that declare concurrentSends; all start in order', async () => {
    for (const concurrent of [true, false]) {
      let inFlight = 0;
      let maxInFlight = 0;
      const started: number[] = [];
      const output: Output = {
        async send(b) {
          started.push(Number(b.events![0].raw.slice(1)));
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((res) => setTimeout(res, 5));
          inFlight--;
        },
      };
      const { r } = runner(output, { outputWorkers: 4 }, plugin({ concurrentSends: concurrent }));
      for (let i = 0; i < 5; i++) await r.submit(job(i * 20, 20), 's');
      await r.drain();
      expect(r.concurrency).toBe(concurrent ? 4 : 1);
      expect(maxInFlight).toBe(concurrent ? 4 : 1);
      expect(started).toEqual(Array.from({ length: 10 }, (_, i) => i * 10));
      expect(r.metrics.events).toBe(100);
      expect(r.metrics.inFlight).toBe(0);
    }
  });

  test('close drains, then flushes and closes the output once', async () => {
    const calls: string[] = [];
    const { r } = runner({
      send: async () => {
        await new Promise((res) => setTimeout(res, 5));
        calls.push('send');
      },
      flush: () => void calls.push('flush'),
      close: () => void calls.push('close'),
    });
    await r.submit(job(0, 15), 's');
    await r.close();
    expect(calls).toEqual(['send', 'send', 'flush', 'close']);
  });
});
