/**
 * `end`: when a sample stops. A count of intervals (`-1`/unset: never, `0`: no generation) or a
 * time: relative (`+1h`), ISO 8601 or epoch. The original crashed on a time (#393); the docs
 * promise it, so it works here.
 */
import { parseRelativeTime } from '../time/relative';
import type { TimeZone } from '../time/tz';

export interface EndSpec {
  /** Stop after this many intervals. */
  readonly intervals?: number;
  /** Stop at this time (epoch ms): no interval starts at or after it. */
  readonly at?: number;
}

export class EndError extends Error {}

export function parseEnd(v: unknown, now: number, tz: TimeZone): EndSpec {
  if (v === undefined || v === null) return {};
  const s = String(v).trim();
  if (s === '' || s === '-1') return {};
  if (/^\d+$/.test(s) && s.length < 9) return { intervals: Number(s) };
  const r = parseRelativeTime(s);
  if (!r.resolve) throw new EndError(`end = ${JSON.stringify(s)} is neither a number of intervals nor a time: ${r.error}`);
  return { at: r.resolve(now, tz) };
}
