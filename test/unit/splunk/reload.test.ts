/**
 * The configuration watch of the modular input (lib/splunk/reload.ts): what counts as a change.
 */
import { ConfigWatch, confFingerprint } from '../../../lib/splunk/reload';
import type { ConfStanzaEntry } from '../../../lib/splunk/rest';

const entry = (app: string, name: string, settings: Record<string, string>, disabled = false): ConfStanzaEntry => ({ app, name, disabled, settings });
const quiet = { debug: () => undefined };
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits (up to 5 s, for a loaded machine) until cond() holds. */
async function until(cond: () => boolean): Promise<void> {
  for (const t0 = Date.now(); !cond(); await tick(5)) if (Date.now() - t0 > 5000) throw new Error('timed out');
}

describe('confFingerprint', () => {
  test('the same configuration in another order gives the same fingerprint; any edit changes it', () => {
    const a = [entry('app1', 'x\\.log', { count: '5', interval: '10' }), entry('app2', 'y', { count: '1' })];
    const base = confFingerprint(a, ['off']);
    expect(confFingerprint([a[1], entry('app1', 'x\\.log', { interval: '10', count: '5' })], ['off'])).toBe(base);
    expect(confFingerprint([entry('app1', 'x\\.log', { count: '6', interval: '10' }), a[1]], ['off'])).not.toBe(base);
    expect(confFingerprint([entry('app1', 'x\\.log', { count: '5', interval: '10' }, true), a[1]], ['off'])).not.toBe(base);
    expect(confFingerprint(a, [])).not.toBe(base);
    expect(confFingerprint([a[0]], ['off'])).not.toBe(base);
  });
});

describe('ConfigWatch', () => {
  test('resolves `changed` once the fingerprint differs; failed reads are not changes', async () => {
    const answers: Array<string | Error> = ['A', new Error('splunkd busy'), 'A', 'B'];
    let reads = 0;
    const read = async (): Promise<string> => {
      reads++;
      const a = answers.shift() ?? 'B';
      if (a instanceof Error) throw a;
      return a;
    };
    const watch = new ConfigWatch({ initial: 'A', intervalMs: 10, read, log: quiet });
    let changed = false;
    void watch.changed.then(() => (changed = true));
    await until(() => reads >= 3);
    expect(changed).toBe(false);
    await until(() => changed);
    expect(reads).toBe(4);
    watch.stop();
  });

  test('without a known starting point the first read sets it: no reload for that', async () => {
    let n = 0;
    const watch = new ConfigWatch({ intervalMs: 10, read: async () => (++n < 4 ? 'A' : 'B'), log: quiet });
    let changed = false;
    void watch.changed.then(() => (changed = true));
    await until(() => n >= 3);
    expect(changed).toBe(false);
    await until(() => changed);
    expect(n).toBe(4);
    watch.stop();
  });

  test('interval 0 never reads; stop() ends the polling', async () => {
    let reads = 0;
    const off = new ConfigWatch({ initial: 'A', intervalMs: 0, read: async () => (reads++, 'B'), log: quiet });
    const stopped = new ConfigWatch({ initial: 'A', intervalMs: 10, read: async () => (reads++, 'B'), log: quiet });
    stopped.stop();
    await tick(40);
    expect(reads).toBe(0);
    off.stop();
  });
});
