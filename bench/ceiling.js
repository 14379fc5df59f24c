// The machine's ceiling for W1 right now: the best hand-written pipeline of
// peers-and-limits.md §4c ("2 workers + main thread writing"), with no eventgen code.
// Worker threads build W1 lines (literals pre-split, the timestamp cached per second,
// Math.random integers) into ~1 MiB chunks and transfer them; the main thread writes them to
// stdout in order of arrival. No seeding, no settings, no ordering, no accounting: an upper
// bound for what eventgen does with the same threads, measured on the same day.
//
//   node bench/ceiling.js THREADS EVENTS | cat > /dev/null
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const LITS = ['', ' host=web-042 level=INFO user_id=', ' latency_ms=', ' bytes=', ' msg="GET /api/v1/orders/lookup HTTP/1.1 200" agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36" pad=xxxxx\n'];
const LINES_PER_CHUNK = 5000; // ≈1 MiB
const CREDIT = 4; // chunks a worker may have in flight

if (isMainThread) {
  const threads = Math.max(1, Number(process.argv[2]) || 2);
  const events = Math.max(1, Number(process.argv[3]) || 10_000_000);
  let live = threads;
  for (let t = 0; t < threads; t++) {
    const count = Math.floor(events / threads) + (t < events % threads ? 1 : 0);
    const w = new Worker(__filename, { workerData: { count, first: t * Math.floor(events / threads) } });
    w.on('message', (ab) => {
      if (ab === 'done') {
        if (--live === 0) process.exitCode = 0;
        void w.terminate();
        return;
      }
      process.stdout.write(new Uint8Array(ab), () => w.postMessage('ack'));
    });
  }
} else {
  const { count, first } = workerData;
  const p2 = (n) => (n < 10 ? '0' : '') + n;
  const fmt = (d) => `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  const ri = () => Math.floor(Math.random() * 100001);
  let credit = CREDIT;
  let wake = null;
  parentPort.on('message', () => {
    credit++;
    if (wake) wake();
  });
  (async () => {
    let last = -1;
    let ts = '';
    for (let done = 0; done < count; ) {
      while (credit === 0) await new Promise((r) => (wake = r));
      wake = null;
      const n = Math.min(LINES_PER_CHUNK, count - done);
      let s = '';
      for (let i = 0; i < n; i++) {
        // 1,000,000 events per second of event time, as W1's interval.
        const sec = Math.floor((first + done + i) / 1_000_000);
        if (sec !== last) {
          ts = fmt(new Date(1.7e12 + sec * 1000));
          last = sec;
        }
        s += LITS[0] + ts + LITS[1] + ri() + LITS[2] + ri() + LITS[3] + ri() + LITS[4];
      }
      const buf = Buffer.from(s, 'utf8'); // > 4 KiB: its own ArrayBuffer, so it can be transferred
      credit--;
      parentPort.postMessage(buf.buffer, [buf.buffer]);
      done += n;
    }
    while (credit < CREDIT) await new Promise((r) => (wake = r));
    parentPort.postMessage('done');
  })();
}
