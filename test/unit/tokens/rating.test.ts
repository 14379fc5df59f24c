import configRater, { roundHalfEven } from '../../../lib/plugins/rater/config';
import type { SampleSpec } from '../../../lib/plugins/api';
import { Random } from '../../../lib/util/random';

const spec = (settings: Record<string, unknown>): SampleSpec => ({ id: 's', stanza: 's', confDir: '/', confFile: '/e.conf', sampleDir: '/', settings: { timezone: '+0000', ...settings }, tokens: [] });

describe('the config rater', () => {
  test('rounds like Python (half to even)', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
  });

  test('multiplies hour, weekday (0 = Sunday), minute, day of month and month', () => {
    const r = configRater.create(spec({ hourOfDayRate: { '13': 2 }, dayOfWeekRate: { '0': 3 }, minuteOfHourRate: { '5': 0.5 }, dayOfMonthRate: { '4': 10 }, monthOfYearRate: { '1': 0.1 } }), { log: console });
    // 2026-01-04 is a Sunday.
    expect(r.rate(100, Date.UTC(2026, 0, 4, 13, 5), new Random(1))).toBe(300);
    expect(r.rate(100, Date.UTC(2026, 0, 5, 12, 6), new Random(1))).toBe(10); // only January's 0.1
  });

  test('randomizeCount spreads counts within ± half the fraction', () => {
    const r = configRater.create(spec({ randomizeCount: 0.2 }), { log: console });
    const rnd = new Random(3);
    const counts = Array.from({ length: 2000 }, () => r.rate(1000, 0, rnd));
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(900);
    expect(Math.max(...counts)).toBeLessThanOrEqual(1100);
    expect(new Set(counts).size).toBeGreaterThan(100);
  });
});
