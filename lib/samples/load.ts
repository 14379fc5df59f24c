/**
 * Reading sample files into events: raw samples split by `breaker` (one event per line by
 * default), or CSV exports with `_raw` plus per-row metadata columns. Done once per sample.
 */
import { readFileSync } from 'node:fs';
import { compilePythonRegex } from '../tokens/pyregex';

export interface SampleEvent {
  /** Event text without its trailing newline. */
  raw: string;
  /** Per-row metadata from a CSV sample; undefined means "use the stanza's". */
  index?: string;
  host?: string;
  source?: string;
  sourcetype?: string;
  /** The whole CSV row, for timeField lookups in replay. */
  fields?: Readonly<Record<string, string>>;
}

export const DEFAULT_BREAKER = '[^\\r\\n\\s]+';

export class SampleError extends Error {}

export function loadSample(file: string, opts: { sampletype: string; breaker: string; bundlelines: boolean }): SampleEvent[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SampleError(`cannot read sample file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const events = opts.sampletype === 'csv' ? csvEvents(text, file) : rawEvents(text, opts.breaker);
  if (opts.bundlelines && events.length > 1) {
    return [{ ...events[0], raw: events.map((e) => e.raw).join('\n') }];
  }
  return events;
}

function rawEvents(text: string, breaker: string): SampleEvent[] {
  if (breaker === DEFAULT_BREAKER) {
    // One event per line; \r-only files (old Mac exports) split too. Blank lines are not events.
    return text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '').map((raw) => ({ raw }));
  }
  const re = compilePythonRegex(breaker, 'gm');
  const starts: number[] = [0];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > 0) starts.push(m.index);
    if (m[0].length === 0) re.lastIndex++;
  }
  const out: SampleEvent[] = [];
  for (let i = 0; i < starts.length; i++) {
    const raw = text.slice(starts[i], starts[i + 1] ?? text.length).replace(/[\r\n]+$/, '');
    if (raw.trim() !== '') out.push({ raw });
  }
  return out;
}

function csvEvents(text: string, file: string): SampleEvent[] {
  const rows = parseCsv(text);
  if (rows.length === 0) return [];
  const header = rows[0].map((h) => h.trim());
  const rawCol = header.indexOf('_raw');
  if (rawCol < 0) throw new SampleError(`CSV sample ${file} has no _raw column (columns: ${header.join(', ')})`);
  const col = (n: string) => header.indexOf(n);
  const [iIdx, iHost, iSrc, iSt] = [col('index'), col('host'), col('source'), col('sourcetype')];
  const out: SampleEvent[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (row.length === 1 && row[0] === '') continue;
    const fields: Record<string, string> = {};
    header.forEach((h, i) => (fields[h] = row[i] ?? ''));
    out.push({
      raw: (row[rawCol] ?? '').replace(/[\r\n]+$/, ''),
      index: nonEmpty(row[iIdx]),
      host: nonEmpty(row[iHost]),
      source: nonEmpty(row[iSrc]),
      sourcetype: nonEmpty(row[iSt]),
      fields,
    });
  }
  return out;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
