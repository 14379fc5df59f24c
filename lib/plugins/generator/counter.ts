/**
 * The `counter` generator: counts from `start_count` towards `end_count` in steps of `count_by`,
 * one event per step, formatted with `count_template` (placeholders {event_ts}, {samplename},
 * {loop_count}, {max_loop}, {start_count}, {current_count}, {end_count}, {count_by}). The
 * sample file is ignored.
 *
 *  - `end_count` ≠ `start_count`: each cycle emits the values start + step, start + 2·step, … up
 *    to end_count, i.e. |end − start| / |step| events; `count` is the number of cycles per
 *    interval (-1: one). start 0, end 10, step 1 → 1 … 10; start 10, end 0, step -1 → 9 … 0.
 *  - `end_count` = `start_count` (both 0 by default): one cycle of `count` steps from
 *    start_count (count = 10 → 1 … 10).
 * Numbers print as Python floats (1.0, 0.1), as in the original. Event times are spread over
 * the window like windbag's and {event_ts} shows them as Python's str(datetime).
 */
import type { EventRecord, Generator, GeneratorPlugin, GenerationJob, SampleSpec } from '../api';
import { PLUGIN_API_VERSION } from '../api';
import { parseTimeZone, LOCAL, type TimeZone } from '../../time/tz';
import { SampleSetupError } from './default';
import { metadataOf, pythonDatetime, spreadTime } from './windbag';

export const DEFAULT_COUNT_TEMPLATE =
  '{event_ts}-0700 Counter for sample:{samplename}, Now processing event counting {loop_count} of {max_loop} cycles. Counter Values: Start_Count: {start_count} Current_Counter:{current_count} End_Count:{end_count} Counting_By: {count_by}';

/** Python's repr of a float: 1 → "1.0", 0.1 → "0.1". */
export function pythonFloat(v: number): string {
  const x = Number(v.toPrecision(12));
  if (Number.isInteger(x)) return `${x}.0`;
  return String(x);
}

/** Largest number of events one job may hold (a billion-step counter must be spread with count). */
const MAX_EVENTS_PER_JOB = 5_000_000;

class CounterGenerator implements Generator {
  readonly sampleSize = 1;
  readonly #tz: TimeZone;
  readonly #meta: Omit<EventRecord, 'raw' | 'time'>;
  readonly #start: number;
  readonly #end: number;
  readonly #by: number;
  readonly #template: string;
  readonly #name: string;

  constructor(sample: SampleSpec) {
    const s = sample.settings;
    this.#tz = parseTimeZone(String(s.timezone ?? 'local')) ?? LOCAL;
    this.#meta = metadataOf(sample);
    this.#start = Number(s.start_count ?? 0);
    this.#end = Number(s.end_count ?? 0);
    this.#by = Number(s.count_by ?? 1);
    this.#template = typeof s.count_template === 'string' && s.count_template !== '' ? s.count_template : DEFAULT_COUNT_TEMPLATE;
    this.#name = sample.stanza;
    for (const [k, v] of [['start_count', this.#start], ['end_count', this.#end], ['count_by', this.#by]] as const) {
      if (!Number.isFinite(v)) throw new SampleSetupError(`${k} = ${JSON.stringify(s[k])} is not a number`);
    }
    if (this.#by === 0) throw new SampleSetupError('count_by = 0 would never reach end_count');
    if (this.#end !== this.#start && Math.sign(this.#end - this.#start) !== Math.sign(this.#by)) {
      throw new SampleSetupError(`count_by = ${this.#by} counts away from end_count = ${this.#end} (start_count = ${this.#start})`);
    }
  }

  generate(job: GenerationJob): EventRecord[] {
    const out: EventRecord[] = [];
    const fill = (loop: number, maxLoop: number, value: number, endValue: number, i: number, total: number) => {
      const t = spreadTime(job, i, total);
      const vars: Record<string, string> = {
        event_ts: pythonDatetime(t, this.#tz),
        samplename: this.#name,
        loop_count: String(loop),
        max_loop: String(maxLoop),
        start_count: pythonFloat(this.#start),
        current_count: pythonFloat(value),
        end_count: pythonFloat(endValue),
        count_by: pythonFloat(this.#by),
      };
      const raw = this.#template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
      out.push({ raw, time: t / 1000, ...this.#meta });
    };
    if (this.#end === this.#start) {
      // One cycle of `count` steps; this job holds steps intervalOffset+1 … intervalOffset+count.
      const total = job.intervalCount > 0 ? job.intervalCount : job.count;
      const endValue = this.#start + this.#by * total;
      for (let j = 0; j < job.count; j++) {
        const step = job.intervalOffset + j + 1;
        fill(1, 1, this.#start + this.#by * step, endValue, step, total);
      }
      return out;
    }
    const steps = Math.round(Math.abs(this.#end - this.#start) / Math.abs(this.#by));
    const cycles = job.intervalCount > 0 ? job.intervalCount : job.count;
    if (steps * job.count > MAX_EVENTS_PER_JOB) {
      throw new SampleSetupError(`counting from ${this.#start} to ${this.#end} by ${this.#by} is ${steps} events per cycle, too many for one interval; count in smaller ranges`);
    }
    for (let j = 0; j < job.count; j++) {
      const loop = job.intervalOffset + j + 1;
      for (let k = 1; k <= steps; k++) fill(loop, cycles, this.#start + this.#by * k, this.#end, (loop - 1) * steps + k, cycles * steps);
    }
    return out;
  }
}

const plugin: GeneratorPlugin = {
  kind: 'generator',
  name: 'counter',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Counts from start_count to end_count by count_by, one event per value; ignores the sample file.',
  queueable: true,
  needsSampleFile: false,
  create: (sample) => new CounterGenerator(sample),
};
export default plugin;
