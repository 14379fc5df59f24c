/** `npm run spec`: rewrites README/eventgen.conf.spec from the schema. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinSpec } from './spec';

const target = join(__dirname, '..', '..', '..', 'README', 'eventgen.conf.spec');
writeFileSync(target, builtinSpec());
process.stdout.write(`wrote ${target}\n`);
