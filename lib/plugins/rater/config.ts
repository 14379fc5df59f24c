/**
 * The `config` rater: the stanza's count times randomizeCount and the hour/day/minute/month
 * multipliers for the time being generated (so backfilled intervals get their own hour's rate).
 */
import type { Rater, RaterPlugin, SampleSpec } from '../api';
import { PLUGIN_API_VERSION } from '../api';
import type { Random } from '../../util/random';
import { offsetMinutesAt, parseTimeZone } from '../../time/tz';

type RateTable = Readonly<Record<string, number>> | undefined;

/** The table's mean over keys from..to (missing keys count as 1), or 1 when there is no table. */
function meanOf(table: RateTable, from: number, to: number): number {
  if (!table) return 1;
  let sum = 0;
  for (let k = from; k <= to; k++) sum += table[String(k)] ?? 1;
  const mean = sum / (to - from + 1);
  return mean > 0 ? mean : 1;
}

/**
 * The rate multiplier at `at` (epoch ms). With `normaliseDayShape`, hourOfDayRate and
 * minuteOfHourRate are divided by their means, so they shape a day without changing its total
 * (what the perdayvolume rater needs); the day-level tables apply as given either way.
 */
export function rateFactor(sample: SampleSpec, opts: { normaliseDayShape?: boolean } = {}): (at: number, random: Random) => number {
  const s = sample.settings;
  const tz = parseTimeZone(String(s.timezone ?? 'local')) ?? { kind: 'local' as const };
  const hour = s.hourOfDayRate as RateTable;
  const dow = s.dayOfWeekRate as RateTable;
  const minute = s.minuteOfHourRate as RateTable;
  const dom = s.dayOfMonthRate as RateTable;
  const month = s.monthOfYearRate as RateTable;
  const hourMean = opts.normaliseDayShape ? meanOf(hour, 0, 23) : 1;
  const minuteMean = opts.normaliseDayShape ? meanOf(minute, 0, 59) : 1;
  const rc = typeof s.randomizeCount === 'number' ? s.randomizeCount : 0;
  const spread = Math.round(rc * 1000);
  return (at, random) => {
    let f = 1;
    // The original's factor: 1 + (r - B/2)/1000 with r uniform in [0, B], i.e. ±rc/2.
    if (spread > 0) f *= 1 + (random.int(0, spread) - spread / 2) / 1000;
    if (hour || dow || minute || dom || month) {
      const d = new Date(at + offsetMinutesAt(tz, at) * 60000);
      // A missing key leaves the factor unchanged, as in the original (which logged it).
      if (hour) f *= (hour[String(d.getUTCHours())] ?? 1) / hourMean;
      if (dow) f *= dow[String(d.getUTCDay())] ?? 1; // 0 = Sunday, Splunk's numbering
      if (minute) f *= (minute[String(d.getUTCMinutes())] ?? 1) / minuteMean;
      if (dom) f *= dom[String(d.getUTCDate())] ?? 1;
      if (month) f *= month[String(d.getUTCMonth() + 1)] ?? 1;
    }
    return f;
  };
}

/** Python's round(): halves go to the even neighbour, so count 1 × 0.5 rates to 0 as in the original. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const plugin: RaterPlugin = {
  kind: 'rater',
  name: 'config',
  apiVersion: PLUGIN_API_VERSION,
  description: 'count × randomizeCount × hourOfDayRate × dayOfWeekRate × minuteOfHourRate × dayOfMonthRate × monthOfYearRate.',
  create(sample): Rater {
    const factor = rateFactor(sample);
    return { rate: (base, at, random) => roundHalfEven(base * factor(at, random)) };
  },
};
export default plugin;
