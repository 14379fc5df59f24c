'use strict';
// `npm run bench` builds the TypeScript sources, then runs the compiled bench/run.ts.
require('../build/bench/run.js')
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`bench failed: ${e && e.stack ? e.stack : e}\n`);
      process.exitCode = 1;
    },
  );
