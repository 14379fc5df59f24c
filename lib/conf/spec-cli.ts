/** `npm run spec`: rewrites README/eventgen.conf.spec and default/eventgen.conf from the schema. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinGlobalDefaults, builtinSpec } from './spec';

const repo = join(__dirname, '..', '..', '..');
for (const [file, text] of [
  [join(repo, 'README', 'eventgen.conf.spec'), builtinSpec()],
  [join(repo, 'default', 'eventgen.conf'), builtinGlobalDefaults()],
]) {
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}
