/**
 * The `counter` rater (the original's CountRater): the stanza's count times randomizeCount and
 * the hour/day/minute/month multipliers, exactly as the `config` rater. The original differed
 * only in how it split work for `splitSample`, which the scheduler handles for every rater here.
 */
import type { Rater, RaterPlugin } from '../api';
import { PLUGIN_API_VERSION } from '../api';
import { rateFactor } from './config';

const plugin: RaterPlugin = {
  kind: 'rater',
  name: 'counter',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Like config: count × randomizeCount × the rate multipliers (the original CountRater).',
  create(sample): Rater {
    const factor = rateFactor(sample);
    return { rate: (base, at, random) => Math.round(base * factor(at, random)) };
  },
};
export default plugin;
