/**
 * The `perdayvolume` rater: turns `perDayVolume` (GB per day) into BYTES per interval. A job's
 * `count` for samples using this rater is a number of bytes, not events (see the
 * perdayvolumegenerator); the scheduler sizes such jobs accordingly.
 *
 * bytes per interval = perDayVolume × 1024³ × interval / 86400 (interval 0 counts as a whole day)
 * × the rate multipliers for the time being generated. Fractions of a byte carry over to the
 * next interval, so nothing is lost to rounding.
 *
 * The shape within a day (hourOfDayRate, minuteOfHourRate) is normalised to a mean of 1, so a day
 * still totals perDayVolume and only its distribution over the hours follows the table (the
 * original multiplied without normalising, so a day produced perDayVolume × the mean rate).
 * Day-level multipliers (dayOfWeekRate, dayOfMonthRate, monthOfYearRate) scale that day's volume
 * as given, and randomizeCount varies each interval by up to ± half its value.
 */
import type { Rater, RaterPlugin, SampleSpec } from '../api';
import { PLUGIN_API_VERSION } from '../api';
import type { Random } from '../../util/random';
import { offsetMinutesAt, parseTimeZone, LOCAL } from '../../time/tz';

type RateTable = Readonly<Record<string, number>> | undefined;

export const GIB = 1024 * 1024 * 1024;

/** The table's mean over keys from..to (missing keys count as 1), or 1 when there is no table. */
function meanOf(table: RateTable, from: number, to: number): number {
  if (!table) return 1;
  let sum = 0;
  for (let k = from; k <= to; k++) sum += table[String(k)] ?? 1;
  const mean = sum / (to - from + 1);
  return mean > 0 ? mean : 1;
}

/** The volume multiplier at `at` (epoch ms) for this sample. */
export function volumeFactor(sample: SampleSpec): (at: number, random: Random) => number {
  const s = sample.settings;
  const tz = parseTimeZone(String(s.timezone ?? 'local')) ?? LOCAL;
  const hour = s.hourOfDayRate as RateTable;
  const minute = s.minuteOfHourRate as RateTable;
  const dow = s.dayOfWeekRate as RateTable;
  const dom = s.dayOfMonthRate as RateTable;
  const month = s.monthOfYearRate as RateTable;
  const hourMean = meanOf(hour, 0, 23);
  const minuteMean = meanOf(minute, 0, 59);
  const rc = typeof s.randomizeCount === 'number' ? s.randomizeCount : 0;
  const spread = Math.round(rc * 1000);
  return (at, random) => {
    let f = 1;
    if (spread > 0) f *= 1 + (random.int(0, spread) - spread / 2) / 1000;
    if (hour || minute || dow || dom || month) {
      const d = new Date(at + offsetMinutesAt(tz, at) * 60000);
      if (hour) f *= (hour[String(d.getUTCHours())] ?? 1) / hourMean;
      if (minute) f *= (minute[String(d.getUTCMinutes())] ?? 1) / minuteMean;
      if (dow) f *= dow[String(d.getUTCDay())] ?? 1; // 0 = Sunday
      if (dom) f *= dom[String(d.getUTCDate())] ?? 1;
      if (month) f *= month[String(d.getUTCMonth() + 1)] ?? 1;
    }
    return f;
  };
}

/** Bytes per interval before rating. */
export function bytesPerInterval(sample: SampleSpec): number {
  const gb = Number(sample.settings.perDayVolume ?? 0);
  const interval = Number(sample.settings.interval ?? 0);
  const seconds = interval > 0 ? Math.min(interval, 86400) : 86400;
  return (gb * GIB * seconds) / 86400;
}

const plugin: RaterPlugin = {
  kind: 'rater',
  name: 'perdayvolume',
  apiVersion: PLUGIN_API_VERSION,
  description: 'perDayVolume GB/day as bytes per interval, shaped by the rate multipliers (job counts are bytes).',
  create(sample): Rater {
    const gb = Number(sample.settings.perDayVolume);
    if (!Number.isFinite(gb) || gb < 0) throw new Error(`perDayVolume = ${JSON.stringify(sample.settings.perDayVolume)} must be a number of GB per day`);
    const perInterval = bytesPerInterval(sample);
    const factor = volumeFactor(sample);
    let carry = 0;
    return {
      rate: (_base, at, random) => {
        const want = perInterval * factor(at, random) + carry;
        const whole = Math.floor(want);
        carry = want - whole;
        return whole;
      },
    };
  },
};
export default plugin;
