/**
 * The `perdayvolumegenerator`: sample mode measured in bytes. Used (with the `perdayvolume`
 * rater) whenever a stanza sets `perDayVolume` and no other generator.
 *
 * Contract with the scheduler: for this generator a GenerationJob's `count` is a number of
 * BYTES, `eventOffset` is the bytes requested from this sample before the job, and
 * `intervalOffset`/`intervalCount` are byte positions within the interval.
 *
 * Bytes are counted after token replacement: an event counts its UTF-8 length plus the newline
 * that ends it on the wire (the original's `_raw` carried that newline). At set-up each sample
 * event is rendered a few times with a fixed seed to learn its expected size after replacement.
 * The sample's events, cycled in order, then form one endless stream in which event i occupies
 * the bytes [S(i), S(i) + size(i)); a job [B0, B0 + count) emits the events whose middle byte falls
 * in it. Remainders therefore carry from job to job and interval to interval without any
 * shared state, the result is the same whatever worker thread runs the job, and over any run the
 * output lands within one event of the requested volume (plus the tokens' own randomness
 * around their expected size). With randomizeEvents each event of the stream is drawn at random
 * and occupies the sample's mean size.
 */
import type { EventRecord, Generator, GeneratorPlugin, GenerationJob, GeneratorContext, SampleSpec } from '../api';
import { PLUGIN_API_VERSION } from '../api';
import { compileSample, pivotFor, SampleSetupError, type CompiledSample } from './default';
import { nextSerial, type EventContext } from '../../tokens/replacers';
import { render } from '../../tokens/template';
import { Random } from '../../util/random';

/** How many times each sample event is rendered to learn its expected size (fewer for big samples). */
function rendersPerEvent(n: number): number {
  return Math.max(4, Math.min(32, Math.floor(20000 / Math.max(1, n))));
}

export class PerDayVolumeGenerator implements Generator {
  readonly sampleSize: number;
  readonly #c: CompiledSample;
  readonly #randomize: boolean;
  readonly #sequential: boolean;
  readonly #values: string[];
  /** Expected bytes of each sample event after replacement, and the running sums. */
  readonly #size: Float64Array;
  readonly #mid: Float64Array;
  readonly #cycle: number;

  constructor(sample: SampleSpec) {
    this.#c = compileSample(sample);
    const n = this.#c.templates.length;
    if (n === 0) throw new SampleSetupError(`perDayVolume needs a sample with events${sample.file ? `; ${sample.file} has none` : ', and no sample file matches the stanza'}`);
    this.sampleSize = n;
    this.#randomize = sample.settings.randomizeEvents === true;
    this.#sequential = sample.settings.sequentialTimestamp === true;
    this.#values = new Array<string>(this.#c.tokens.length).fill('');

    const random = new Random(['perdayvolume-size', sample.id]);
    const at = Date.UTC(2024, 0, 15, 12, 0, 0);
    const ectx: EventContext = { pivotMs: at, latestMs: at, eventIndex: 0, serial: 0, random, tz: this.#c.tz };
    const reps = rendersPerEvent(n);
    this.#size = new Float64Array(n);
    this.#mid = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      let bytes = 0;
      for (let r = 0; r < reps; r++) {
        ectx.serial = nextSerial();
        bytes += Buffer.byteLength(render(this.#c.templates[k], this.#c.tokens, ectx, this.#values)) + 1;
      }
      const size = bytes / reps;
      this.#size[k] = size;
      this.#mid[k] = sum + size / 2;
      sum += size;
    }
    this.#cycle = sum;
  }

  /** Expected byte position of the middle of stream event i. */
  #midOf(i: number): number {
    const n = this.#size.length;
    return Math.floor(i / n) * this.#cycle + this.#mid[i % n];
  }

  /** The first stream event whose middle is at or after byte b. */
  #firstAtOrAfter(b: number): number {
    const n = this.#size.length;
    const q = Math.max(0, Math.floor(b / this.#cycle));
    const within = b - q * this.#cycle;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (this.#mid[m] < within) lo = m + 1;
      else hi = m;
    }
    return q * n + lo;
  }

  generate(job: GenerationJob, ctx: GeneratorContext): EventRecord[] {
    const c = this.#c;
    const n = c.templates.length;
    const b0 = Math.max(0, job.eventOffset);
    const b1 = b0 + Math.max(0, job.count);
    const intervalStart = job.eventOffset - job.intervalOffset;
    const picks: Array<[index: number, k: number, mid: number]> = [];
    if (this.#randomize) {
      const mean = this.#cycle / n;
      const i0 = Math.max(0, Math.ceil((b0 - mean / 2) / mean));
      const i1 = Math.max(i0, Math.ceil((b1 - mean / 2) / mean));
      for (let i = i0; i < i1; i++) picks.push([i, ctx.random.int(0, n - 1), i * mean + mean / 2]);
    } else {
      for (let i = this.#firstAtOrAfter(b0); ; i++) {
        const mid = this.#midOf(i);
        if (mid >= b1) break;
        picks.push([i, i % n, mid]);
      }
    }
    const out = new Array<EventRecord>(picks.length);
    const ectx: EventContext = { pivotMs: 0, latestMs: job.latest, eventIndex: 0, serial: 0, random: ctx.random, tz: c.tz };
    const span = job.latest - job.earliest;
    for (let j = 0; j < picks.length; j++) {
      const [index, k, mid] = picks[j];
      if (this.#sequential && span > 0) {
        const t = job.earliest + (span * Math.min(1, Math.max(0, (mid - intervalStart) / Math.max(1, job.intervalCount))));
        ectx.pivotMs = c.subsecond ? Math.floor(t) : Math.floor(t / 1000) * 1000;
      } else ectx.pivotMs = pivotFor(job, j, c.subsecond, false, ctx.random);
      ectx.eventIndex = index;
      ectx.serial = nextSerial();
      const e = c.events[k];
      const meta = c.meta(e, ctx.random);
      out[j] = { raw: render(c.templates[k], c.tokens, ectx, this.#values), time: ectx.pivotMs / 1000, index: meta.index, host: meta.host, source: meta.source, sourcetype: meta.sourcetype };
    }
    return out;
  }
}

const plugin: GeneratorPlugin = {
  kind: 'generator',
  name: 'perdayvolumegenerator',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Sample mode by volume: job counts are bytes (after token replacement), with remainders carried over.',
  queueable: true,
  needsSampleFile: true,
  create: (sample) => new PerDayVolumeGenerator(sample),
};
export default plugin;
