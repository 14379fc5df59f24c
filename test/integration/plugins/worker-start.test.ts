/**
 * What a generator worker thread loads: only the built-in plugins its samples use (builtin.ts).
 * The thread's module table is read from a real worker thread running the compiled worker.
 *
 * Needs `npm run build` first (the worker threads run the compiled JavaScript).
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

const WORKER = join(__dirname, '..', '..', '..', 'build', 'lib', 'engine', 'worker.js');

/** Loads the worker module in a thread with these samples; resolves to the files it loaded. */
function modulesLoaded(samples: Array<{ id: string; settings: Record<string, unknown> }>): Promise<string[]> {
  const script = `
    const { parentPort } = require('node:worker_threads');
    require(${JSON.stringify(WORKER)});
    parentPort.postMessage(Object.keys(require.cache));`;
  const w = new Worker(script, { eval: true, workerData: { seed: 1, samples, pluginFiles: [], lines: 'bytes' } });
  return new Promise((resolve, reject) => {
    w.once('message', (m: string[]) => void w.terminate().then(() => resolve(m)));
    w.once('error', reject);
  });
}

const rel = (files: string[]) => files.map((f) => f.replace(/\\/g, '/'));

test('a thread for default + stdout samples loads neither nunjucks, pino nor the network outputs', async () => {
  const files = rel(await modulesLoaded([{ id: 'a', settings: { generator: 'default', outputMode: 'stdout' } }]));
  expect(files.some((f) => f.endsWith('/plugins/generator/default.js'))).toBe(true);
  expect(files.some((f) => f.endsWith('/plugins/output/stdout.js'))).toBe(true);
  for (const absent of ['/node_modules/nunjucks/', '/node_modules/pino/', '/plugins/output/net/', '/plugins/generator/jinja.js', '/plugins/output/modinput.js', '/splunk/log.js']) {
    expect(files.filter((f) => f.includes(absent))).toEqual([]);
  }
});

test('a thread loads the plugins its samples name, and what they need', async () => {
  const files = rel(await modulesLoaded([
    { id: 'a', settings: { generator: 'jinja', outputMode: 'httpevent' } },
    { id: 'b', settings: { generator: 'default', outputMode: 'modinput' } },
  ]));
  for (const present of ['/plugins/generator/jinja.js', '/plugins/output/net/httpevent.js', '/plugins/output/modinput.js']) {
    expect(files.filter((f) => f.endsWith(present))).toHaveLength(1);
  }
  // nunjucks comes when a jinja stanza is set up, not with the plugin; pino never in a thread.
  expect(files.filter((f) => f.includes('/node_modules/nunjucks/') || f.includes('/node_modules/pino/'))).toEqual([]);
  expect(files.filter((f) => f.includes('/plugins/output/net/syslogout.js'))).toEqual([]);
});
