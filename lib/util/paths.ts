/**
 * Path helpers shared by samples, token files and outputs. `$VAR` and `${VAR}` expand from the
 * environment (the original's Sample.pathParser), most often `$SPLUNK_HOME`.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

export function expandVars(p: string, env: NodeJS.ProcessEnv = process.env): string {
  return p.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a: string | undefined, b: string | undefined) => {
    const v = env[(a ?? b)!];
    return v === undefined ? whole : v;
  });
}

/**
 * Resolves a token or data file the way configs in the wild expect: absolute paths as they are;
 * relative ones against each base in turn (conf folder, sampleDir, then the working directory,
 * which is where the original looked), taking the first that exists.
 */
export function resolveDataFile(p: string, bases: readonly string[]): { path: string; tried: string[] } {
  const expanded = expandVars(p.trim());
  if (isAbsolute(expanded)) return { path: expanded, tried: [expanded] };
  const tried: string[] = [];
  for (const base of [...bases, process.cwd()]) {
    const candidate = resolve(base, expanded);
    tried.push(candidate);
    if (existsSync(candidate)) return { path: candidate, tried };
  }
  return { path: tried[tried.length - 1], tried };
}
