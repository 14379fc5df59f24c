'use strict';
// Preloaded by bench/run.js (`node -r bench/rss-probe.js bin/eventgen …`): prints the process's
// peak resident set size (all threads) on stderr when it exits.
process.on('exit', () => {
  try {
    require('node:fs').writeSync(2, `BENCH_MAX_RSS_KB ${process.resourceUsage().maxRSS}\n`);
  } catch {
    // stderr closed: nothing to report to
  }
});
