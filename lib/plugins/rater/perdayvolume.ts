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
import { rateFactor } from './config';

export const GIB = 1024 * 1024 * 1024;

/** The volume multiplier at `at` (epoch ms): the config rater's, with the day's shape normalised. */
export function volumeFactor(sample: SampleSpec): (at: number, random: Random) => number {
  return rateFactor(sample, { normaliseDayShape: true });
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
