/**
 * `node build/bench/single-thread.js <conf> <seed> <now> [count] [end]`: the CLI's generate path
 * with the generators on the main thread (no worker threads at all), writing to stdout. The
 * benchmark's "0 workers, 1 thread in total" figure; everything else is the same code as
 * `eventgen generate`.
 */
import { loadStandaloneSource } from '../lib/conf/sources';
import { resolveSamples } from '../lib/conf/resolve';
import { builtinRegistry } from '../lib/plugins/builtin';
import { discoverStandalonePlugins } from '../lib/plugins/discover';
import { Engine } from '../lib/engine/engine';
import { SimulatedClock } from '../lib/engine/clock';
import { InProcessExecutor } from '../lib/engine/executor';
import type { PluginLogger } from '../lib/plugins/api';

async function main(argv: string[]): Promise<number> {
  const [conf, seedText = '1', now = '2026-01-01T00:00:00Z', count, end] = argv;
  const log: PluginLogger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (o, m) => process.stderr.write(`WARN ${m ?? ''} ${JSON.stringify(o)}\n`),
    error: (o, m) => process.stderr.write(`ERROR ${m ?? ''} ${JSON.stringify(o)}\n`),
  };
  const { source } = loadStandaloneSource(conf);
  const registry = builtinRegistry();
  discoverStandalonePlugins(registry, source);
  const overrides: Record<string, string> = {};
  if (count) overrides.count = count;
  if (end) overrides.end = end;
  const resolved = resolveSamples([source], { schema: registry.schema, generatorNeedsFile: (n) => registry.generatorNeedsFile(n), overrides });
  const seed = Number(seedText);
  const engine = new Engine({ samples: resolved.samples, registry, clock: new SimulatedClock(Date.parse(now)), seed, log, executor: new InProcessExecutor(registry, seed, log) });
  const summary = await engine.run();
  for (const o of summary.outputs) process.stderr.write(`INFO Output ${o.key}: ${o.metrics.events} events delivered (${o.metrics.bytes} bytes, ${o.metrics.retries} retries).\n`);
  return summary.failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    process.stderr.write(`FATAL ${e.stack ?? e.message}\n`);
    process.exitCode = 70;
  },
);
