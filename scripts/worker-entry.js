// Entry of the bundled bin/worker.js: piscina's thread bootstrap and our generator worker in one
// file. piscina starts each thread on resolve(__dirname, 'worker.js') — inside a bundle that is
// bin/worker.js, this file — and its bootstrap then require()s the task file, which is again
// bin/worker.js (executor-pool.ts: join(__dirname, 'worker.js')), already loaded. Being one
// bundle matters: piscina marks transferable results with an unregistered Symbol, so the
// bootstrap and the task code must share a single copy of piscina's modules.
'use strict';
// A relative path: piscina's package exports do not list its bootstrap file.
require('../node_modules/piscina/dist/worker.js');
module.exports = require('../lib/engine/worker');
