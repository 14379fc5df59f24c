/**
 * The `windbag` generator: a fixed line per event, ignoring any sample file — handy to test
 * outputs and throughput. Event i of n (1-based) reads
 *   `<time> -0700 WINDBAG Event i of n`
 * where <time> is earliest + (latest − earliest) × i / n, written as Python's str(datetime)
 * (`YYYY-MM-DD HH:MM:SS`, plus `.ffffff` when there are microseconds) in the sample's `timezone`.
 * The literal `-0700` is the original's. `count = -1` means 60 events, as in the original.
 */
import type { EventRecord, Generator, GeneratorContext, GeneratorPlugin, GenerationJob, SampleSpec } from '../api';
import { PLUGIN_API_VERSION } from '../api';
import { CachedStrftime, compileStrftime } from '../../time/strftime';
import { ByteSink } from '../../tokens/bytes';
import { encodeLines } from '../output/stdout';
import { byteBatches, RENDER_LINES, type LineRenderer, type RenderedLines } from './default';
import { parseTimeZone, LOCAL, type TimeZone } from '../../time/tz';

const secondsFormat = compileStrftime('%Y-%m-%d %H:%M:%S');

/** Python's str(datetime) for an instant (epoch ms, possibly fractional) in a zone. */
export function pythonDatetime(epochMs: number, tz: TimeZone): string {
  const whole = Math.floor(epochMs / 1000) * 1000;
  const micro = Math.round((epochMs - whole) * 1000);
  const text = secondsFormat(whole, tz);
  if (micro <= 0) return text;
  if (micro >= 1_000_000) return secondsFormat(whole + 1000, tz);
  return `${text}.${String(micro).padStart(6, '0')}`;
}

/** Where event i (1-based) of n falls in the job's window, as the original spread them. */
export function spreadTime(job: GenerationJob, i: number, n: number): number {
  return job.earliest + ((job.latest - job.earliest) * i) / Math.max(1, n);
}

export function metadataOf(sample: SampleSpec): Omit<EventRecord, 'raw' | 'time'> {
  const s = sample.settings;
  return { index: String(s.index), host: String(s.host), source: String(s.source ?? sample.stanza), sourcetype: String(s.sourcetype) };
}

const DOT = Buffer.from('.');
const NEWLINE = Buffer.from('\n');
const SUFFIX = Buffer.from(' -0700 WINDBAG Event ');
const OF = Buffer.from(' of ');

class WindbagGenerator implements Generator, LineRenderer {
  readonly sampleSize = 60;
  readonly #tz: TimeZone;
  readonly #meta: Omit<EventRecord, 'raw' | 'time'>;
  readonly #seconds: CachedStrftime;

  constructor(sample: SampleSpec) {
    this.#tz = parseTimeZone(String(sample.settings.timezone ?? 'local')) ?? LOCAL;
    this.#meta = metadataOf(sample);
    this.#seconds = new CachedStrftime('%Y-%m-%d %H:%M:%S', this.#tz);
  }

  // The line fast path (see RENDER_LINES): exactly encodeLines(generate(job)), as bytes.
  [RENDER_LINES](job: GenerationJob, _ctx: GeneratorContext, batchSize: number, as: 'bytes' | 'string', alloc?: (minBytes: number) => Buffer): RenderedLines {
    const size = Math.max(1, batchSize);
    if (as === 'string') {
      const events = this.generate(job);
      const encoded: string[] = [];
      const counts: number[] = [];
      for (let i = 0; i < events.length; i += size) {
        encoded.push(encodeLines(events.slice(i, i + size)));
        counts.push(Math.min(size, events.length - i));
      }
      return { encoded, counts };
    }
    const total = job.intervalCount > 0 ? job.intervalCount : job.count;
    const count = Math.max(0, job.count);
    const out = new ByteSink(count * 64, alloc ?? ((n) => Buffer.allocUnsafeSlow(n)));
    const ends: number[] = [];
    const counts: number[] = [];
    for (let j = 0; j < count; j++) {
      const i = job.intervalOffset + j + 1;
      // pythonDatetime(), written as bytes: the second's text, then ".micro" when not zero.
      const t = spreadTime(job, i, total);
      const whole = Math.floor(t / 1000) * 1000;
      const micro = Math.round((t - whole) * 1000);
      if (micro >= 1_000_000) out.bytes(this.#seconds.formatBytes(whole + 1000));
      else {
        out.bytes(this.#seconds.formatBytes(whole));
        if (micro > 0) {
          out.bytes(DOT);
          out.padded(micro, 6);
        }
      }
      out.bytes(SUFFIX);
      out.int(i);
      out.bytes(OF);
      out.int(total);
      out.bytes(NEWLINE);
      if ((j + 1) % size === 0 || j + 1 === count) {
        ends.push(out.pos);
        counts.push((j % size) + 1);
      }
    }
    return byteBatches(out, ends, counts);
  }

  generate(job: GenerationJob): EventRecord[] {
    const total = job.intervalCount > 0 ? job.intervalCount : job.count;
    const out: EventRecord[] = new Array(Math.max(0, job.count));
    for (let j = 0; j < out.length; j++) {
      const i = job.intervalOffset + j + 1;
      const t = spreadTime(job, i, total);
      out[j] = { raw: `${pythonDatetime(t, this.#tz)} -0700 WINDBAG Event ${i} of ${total}`, time: t / 1000, ...this.#meta };
    }
    return out;
  }
}

const plugin: GeneratorPlugin = {
  kind: 'generator',
  name: 'windbag',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Fixed "WINDBAG Event i of n" lines spread over the window; ignores the sample file.',
  queueable: true,
  needsSampleFile: false,
  create: (sample) => new WindbagGenerator(sample),
};
export default plugin;
