/**
 * Clocks for the scheduler. The real clock sleeps; the simulated clock (CLI --now, tests)
 * jumps: it starts at a given instant and advances only when every sample is asleep, waking
 * them one at a time in (wake time, registration) order. A simulated day of generation takes
 * seconds, and the order of everything written is deterministic.
 */

export interface ClockActor {
  /** Resolves when the clock reaches `at` (epoch ms), or early when `signal` aborts. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
  /** The actor will not sleep again; the simulated clock stops waiting for it. */
  done(): void;
}

export interface Clock {
  now(): number;
  readonly simulated: boolean;
  actor(name: string): ClockActor;
}

export class RealClock implements Clock {
  readonly simulated = false;
  now(): number {
    return Date.now();
  }
  actor(): ClockActor {
    return {
      sleepUntil: (at, signal) =>
        new Promise<void>((resolve) => {
          if (signal?.aborted) return resolve();
          let t: NodeJS.Timeout | undefined;
          // setTimeout caps delays at 2^31-1 ms (~24.8 days); longer waits are re-armed in steps.
          const arm = () => {
            const ms = at - Date.now();
            if (ms <= 0) return finish();
            t = setTimeout(arm, Math.min(ms, 0x7fffffff));
          };
          function finish() {
            if (t) clearTimeout(t);
            signal?.removeEventListener('abort', finish);
            resolve();
          }
          signal?.addEventListener('abort', finish, { once: true });
          arm();
        }),
      done: () => undefined,
    };
  }
}

interface Sleeper {
  at: number;
  order: number;
  wake: () => void;
}

export class SimulatedClock implements Clock {
  readonly simulated = true;
  #now: number;
  #actors = 0;
  #sleepers: Sleeper[] = [];
  #order = 0;
  #scheduled = false;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  actor(): ClockActor {
    this.#actors++;
    const order = this.#order++;
    let finished = false;
    return {
      sleepUntil: (at, signal) =>
        new Promise<void>((resolve) => {
          if (signal?.aborted) return resolve();
          const s: Sleeper = {
            at,
            order,
            wake: () => {
              signal?.removeEventListener('abort', onAbort);
              resolve();
            },
          };
          const onAbort = () => {
            this.#sleepers = this.#sleepers.filter((x) => x !== s);
            resolve();
          };
          signal?.addEventListener('abort', onAbort, { once: true });
          this.#sleepers.push(s);
          this.#maybeAdvance();
        }),
      done: () => {
        if (finished) return;
        finished = true;
        this.#actors--;
        this.#maybeAdvance();
      },
    };
  }

  #maybeAdvance(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Let pending work settle first: an actor that is about to sleep must get the chance to.
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#sleepers.length === 0 || this.#sleepers.length < this.#actors) return;
      this.#sleepers.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = this.#sleepers.shift()!;
      if (next.at > this.#now) this.#now = next.at;
      next.wake();
    });
  }
}
