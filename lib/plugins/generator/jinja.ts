/**
 * The `jinja` generator: events written by a Jinja template, rendered with nunjucks (a maintained
 * Jinja-compatible engine) in its Jinja-compatibility mode.
 *
 * Settings: `jinja_template_dir` (default `templates`, relative to sampleDir), `jinja_target_template`
 * (the root template), `jinja_variables` (a JSON object of variables), `jinja_count_type`:
 *  - `cycles` (default): `count` renders per interval (-1: one);
 *  - `line_count`: renders until `count` events, the last render cut short;
 *  - `perDayVolume`: `count` is bytes (with the perdayvolume rater): renders until that many bytes.
 *
 * Every render must write JSON objects, one per event, each with `_raw` and `_time` (epoch
 * seconds); `index`, `host`, `source` and `sourcetype` may be given per event and otherwise come
 * from the stanza. As the original's ujson did, line breaks and tabs inside strings are accepted,
 * so `_raw` may span lines. Text between objects is ignored (reported once).
 *
 * Variables each render sees, besides jinja_variables: eventgen_count (0-based render number
 * within the interval), eventgen_maxcount, eventgen_earliest / eventgen_latest (the window as
 * text) and eventgen_earliest_epoch / eventgen_latest_epoch (epoch seconds), and
 * eventgen_target_time_{earliest,latest,slice_size,epoch} (the render's slice of the window and a
 * random time in it).
 *
 * The original's template helpers:
 *  - `{% time_now %}` sets time_now_epoch (whole epoch seconds of the run's clock, so --now
 *    works) and time_now_formatted (`date_format=`, default `%Y-%m-%dT%H:%M:%S`, in `timezone`);
 *  - `{% time_slice earliest=, latest=, count=, slices=, date_format= %}` sets time_target_epoch
 *    (the start of slice `count` of `slices` between two epochs) and time_target_formatted;
 *  - `{% do expr %}` and `{% with %}…{% endwith %}` (Jinja's `do` and `with_` extensions);
 *  - line statements (`# for x in y`) and line comments (`## …`), as the original configured;
 *  - Python spellings True/False/None, list.append and friends, and booleans printed as
 *    True/False; the `random` filter draws from the run's seeded random numbers.
 * A missing template folder or template, or a template with a syntax error, stops this stanza
 * with a message naming the file; the other stanzas keep running.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import type * as Nunjucks from 'nunjucks';
import type { EventRecord, Generator, GeneratorPlugin, GenerationJob, GeneratorContext, PluginLogger, SampleSpec } from '../api';
import { PLUGIN_API_VERSION } from '../api';
import { SampleSetupError } from './default';
import { metadataOf, pythonDatetime } from './windbag';
import { compileStrftime } from '../../time/strftime';
import { parseTimeZone, LOCAL, type TimeZone } from '../../time/tz';
import { expandVars } from '../../util/paths';
import type { Random } from '../../util/random';

/** Loaded when a jinja stanza is set up, not with the plugin table: ≈20 ms per thread otherwise. */
let nunjucksLib: typeof Nunjucks | undefined;
function nunjucks(): typeof Nunjucks {
  return (nunjucksLib ??= require('nunjucks') as typeof Nunjucks);
}

const DEFAULT_DATE_FORMAT = '%Y-%m-%dT%H:%M:%S';

let compatInstalled = false;
/** nunjucks' Jinja compatibility, plus Python's way of printing booleans and None. Process-wide. */
function installJinjaCompat(): void {
  if (compatInstalled) return;
  compatInstalled = true;
  nunjucks().installJinjaCompat();
  const runtime = (nunjucks() as unknown as { runtime: { suppressValue: (v: unknown, esc: boolean) => unknown } }).runtime;
  const original = runtime.suppressValue;
  runtime.suppressValue = (v: unknown, esc: boolean) => original(typeof v === 'boolean' ? (v ? 'True' : 'False') : v === null ? 'None' : v, esc);
}

/**
 * Jinja's line statements (`# stmt` → `{% stmt %}`) and line comments (`## …`), which nunjucks
 * lacks. Text inside `{# … #}` comments is left alone, so a comment closing with `#}` at the
 * start of a line stays a comment.
 */
export function lineStatements(src: string): string {
  const lines = src.split(/(?<=\n)/);
  let inComment = false;
  let out = '';
  for (const line of lines) {
    if (!inComment) {
      const m = /^[ \t]*#(?![#}])(.*?)(\r?\n)?$/s.exec(line);
      const c = /^[ \t]*##/.exec(line);
      if (c) {
        out += line.endsWith('\n') ? '\n' : '';
        continue;
      }
      if (m && m[1].trim() !== '') {
        out += `{% ${m[1].trim().replace(/:$/, '')} %}`;
        continue;
      }
    }
    // Track {# … #} across lines.
    let i = 0;
    for (;;) {
      if (inComment) {
        const end = line.indexOf('#}', i);
        if (end < 0) break;
        inComment = false;
        i = end + 2;
      } else {
        const start = line.indexOf('{#', i);
        if (start < 0) break;
        inComment = true;
        i = start + 2;
      }
    }
    out += line;
  }
  return out;
}

/** Splits rendered text into JSON object texts, escaping raw control characters inside strings. */
export function splitJsonObjects(text: string): { objects: string[]; stray: string } {
  const objects: string[] = [];
  let stray = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (depth === 0) {
      if (ch === '{') {
        depth = 1;
        cur = '{';
      } else if (!/\s/.test(ch)) stray += ch;
      continue;
    }
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      const code = ch.charCodeAt(0);
      if (code < 0x20) {
        cur += ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : ch === '\t' ? '\\t' : `\\u${code.toString(16).padStart(4, '0')}`;
        continue;
      }
      cur += ch;
      continue;
    }
    cur += ch;
    if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) {
      objects.push(cur);
      cur = '';
    }
  }
  if (depth > 0) stray += cur;
  return { objects, stray: stray.trim() };
}

type Kwargs = Record<string, unknown>;
function kwargsOf(args: unknown[]): Kwargs {
  const last = args[args.length - 1] as Kwargs | undefined;
  return last && typeof last === 'object' && (last as { __keywords?: boolean }).__keywords ? last : {};
}

interface RenderState {
  now: number;
  random?: Random;
  tz: TimeZone;
}

interface NunjucksContext {
  setVariable(name: string, value: unknown): void;
}

/** The parts of nunjucks' (undocumented) parser and node API that the extensions use. */
interface Token {
  value: string;
  lineno: number;
  colno: number;
}
interface Parser {
  nextToken(): Token;
  parseSignature(tolerant: null, noParens: true): unknown;
  parseExpression(): unknown;
  parseUntilBlocks(...names: string[]): unknown;
  advanceAfterBlockEnd(name?: string): void;
}
interface Nodes {
  CallExtension: new (ext: object, method: string, args: unknown, contentArgs?: unknown[]) => unknown;
  NodeList: new (lineno: number, colno: number, children: unknown[]) => unknown;
}

/** `{% time_now %}` and `{% time_slice … %}`. */
function timeExtension(state: RenderState): Nunjucks.Extension & Record<string, unknown> {
  const formats = new Map<string, ReturnType<typeof compileStrftime>>();
  const format = (epochMs: number, fmt: unknown) => {
    const f = typeof fmt === 'string' ? fmt : DEFAULT_DATE_FORMAT;
    let fn = formats.get(f);
    if (!fn) formats.set(f, (fn = compileStrftime(f)));
    return fn(epochMs, state.tz);
  };
  return {
    tags: ['time_now', 'time_slice'],
    parse(parser: Parser, nodes: Nodes) {
      const tok = parser.nextToken();
      const args = parser.parseSignature(null, true);
      parser.advanceAfterBlockEnd(tok.value);
      return new nodes.CallExtension(this, tok.value, args);
    },
    time_now(context: NunjucksContext, ...args: unknown[]) {
      const kw = kwargsOf(args);
      context.setVariable('time_now_epoch', Math.floor(state.now / 1000));
      context.setVariable('time_now_formatted', format(state.now, kw.date_format));
      return '';
    },
    time_slice(context: NunjucksContext, ...args: unknown[]) {
      const kw = kwargsOf(args);
      const earliest = Number(kw.earliest);
      const latest = Number(kw.latest);
      const slices = Math.trunc(Number(kw.slices));
      const count = Math.trunc(Number(kw.count));
      if (![earliest, latest, slices, count].every(Number.isFinite) || slices === 0) {
        throw new Error(`time_slice needs numeric earliest, latest, count and slices (not 0); got ${JSON.stringify({ earliest: kw.earliest, latest: kw.latest, count: kw.count, slices: kw.slices })}`);
      }
      const start = earliest + ((latest - earliest) / slices) * count;
      context.setVariable('time_target_epoch', start);
      context.setVariable('time_target_formatted', format(start * 1000, kw.date_format));
      return '';
    },
  };
}

/** Jinja's `{% do expr %}`: evaluates and prints nothing. */
const doExtension: Nunjucks.Extension & Record<string, unknown> = {
  tags: ['do'],
  parse(parser: Parser, nodes: Nodes) {
    const tok = parser.nextToken();
    const expr = parser.parseExpression();
    parser.advanceAfterBlockEnd(tok.value);
    return new nodes.CallExtension(this, 'run', new nodes.NodeList(tok.lineno, tok.colno, [expr]));
  },
  run() {
    return '';
  },
};

/** Jinja's `{% with a=1 %}…{% endwith %}`; here the names stay set after the block. */
const withExtension: Nunjucks.Extension & Record<string, unknown> = {
  tags: ['with'],
  parse(parser: Parser, nodes: Nodes) {
    const tok = parser.nextToken();
    const args = parser.parseSignature(null, true);
    parser.advanceAfterBlockEnd(tok.value);
    const body = parser.parseUntilBlocks('endwith');
    parser.advanceAfterBlockEnd();
    return new nodes.CallExtension(this, 'run', args, [body]);
  },
  run(context: NunjucksContext, ...args: unknown[]) {
    const body = args.pop() as () => string;
    for (const [k, v] of Object.entries(kwargsOf(args))) if (k !== '__keywords') context.setVariable(k, v);
    return new (nunjucks().runtime.SafeString)(body());
  },
};

/** Loads templates from one folder, with Jinja's line statements translated. */
class TemplateFolder implements Nunjucks.ILoader {
  constructor(readonly dir: string) {}
  getSource(name: string): Nunjucks.LoaderSource {
    const full = resolve(this.dir, name);
    if (full !== this.dir && !full.startsWith(this.dir + sep)) return null as unknown as Nunjucks.LoaderSource;
    if (!existsSync(full) || !statSync(full).isFile()) return null as unknown as Nunjucks.LoaderSource;
    return { src: lineStatements(readFileSync(full, 'utf8')), path: full, noCache: false };
  }
}

function templateMessage(e: unknown): string {
  return String((e as Error).message ?? e).replace(/^Template render error: /, '').replace(/\s*\n\s*/g, ' ').trim();
}

type CountType = 'cycles' | 'line_count' | 'perDayVolume';

export class JinjaGenerator implements Generator {
  readonly sampleSize = 1;
  readonly #sample: SampleSpec;
  readonly #log: PluginLogger;
  readonly #template: Nunjucks.Template;
  readonly #variables: Record<string, unknown>;
  readonly #countType: CountType;
  readonly #meta: Omit<EventRecord, 'raw' | 'time'>;
  readonly #state: RenderState;
  readonly #targetPath: string;
  #warnedStray = false;
  #warnedTime = false;

  constructor(sample: SampleSpec, log: PluginLogger) {
    installJinjaCompat();
    this.#sample = sample;
    this.#log = log;
    const s = sample.settings;
    const dirSetting = String(s.jinja_template_dir ?? 'templates').trim() || 'templates';
    const expanded = expandVars(dirSetting);
    const dir = isAbsolute(expanded) ? expanded : resolve(sample.sampleDir, expanded);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new SampleSetupError(`jinja_template_dir = ${JSON.stringify(dirSetting)}: the folder ${dir} does not exist (a relative folder is looked up in sampleDir ${sample.sampleDir})`);
    }
    const target = typeof s.jinja_target_template === 'string' ? s.jinja_target_template.trim() : '';
    if (!target) throw new SampleSetupError('jinja_target_template is not set: name the root template in jinja_template_dir');
    this.#targetPath = resolve(dir, target);
    if (!existsSync(this.#targetPath)) throw new SampleSetupError(`jinja_target_template = ${JSON.stringify(target)}: there is no such template in ${dir}`);
    const vars = s.jinja_variables;
    if (vars !== undefined && (vars === null || typeof vars !== 'object' || Array.isArray(vars))) {
      throw new SampleSetupError(`jinja_variables must be a JSON object such as {"large_number": 10}, not ${JSON.stringify(vars)}`);
    }
    this.#variables = { ...((vars as Record<string, unknown> | undefined) ?? {}) };
    const ct = String(s.jinja_count_type ?? 'cycles');
    if (ct !== 'cycles' && ct !== 'line_count' && ct !== 'perDayVolume') throw new SampleSetupError(`jinja_count_type = ${JSON.stringify(ct)}: use cycles, line_count or perDayVolume`);
    this.#countType = ct;
    this.#meta = metadataOf(sample);
    this.#state = { now: Date.now(), tz: parseTimeZone(String(s.timezone ?? 'local')) ?? LOCAL };

    const env = new (nunjucks().Environment)(new TemplateFolder(dir), { autoescape: false, throwOnUndefined: false });
    env.addExtension('JinjaTime', timeExtension(this.#state));
    env.addExtension('JinjaDo', doExtension);
    env.addExtension('JinjaWith', withExtension);
    env.addFilter('random', (v: unknown) => {
      if (typeof v === 'string' || Array.isArray(v)) return v.length ? v[this.#state.random ? this.#state.random.int(0, v.length - 1) : Math.floor(Math.random() * v.length)] : undefined;
      return v;
    });
    try {
      this.#template = env.getTemplate(target, true);
    } catch (e) {
      throw new SampleSetupError(`jinja template ${this.#targetPath}: ${templateMessage(e)}`);
    }
  }

  #render(vars: Record<string, unknown>): string {
    try {
      return this.#template.render(vars);
    } catch (e) {
      throw new Error(`jinja template ${this.#targetPath}: ${templateMessage(e)}`);
    }
  }

  #events(text: string, fallbackTime: number): EventRecord[] {
    const { objects, stray } = splitJsonObjects(text);
    if (stray && !this.#warnedStray) {
      this.#warnedStray = true;
      this.#log.warn({ template: this.#targetPath, text: stray.slice(0, 80) }, `jinja template output outside JSON objects is ignored (stanza ${this.#sample.stanza})`);
    }
    const out: EventRecord[] = [];
    for (const o of objects) {
      let ev: Record<string, unknown>;
      try {
        ev = JSON.parse(o) as Record<string, unknown>;
      } catch (e) {
        throw new Error(`jinja template ${this.#targetPath} wrote something that is not a JSON object: ${(e as Error).message} in ${JSON.stringify(o.slice(0, 120))}`);
      }
      if (ev._raw === undefined) throw new Error(`jinja template ${this.#targetPath} wrote an event without _raw: ${JSON.stringify(o.slice(0, 120))}`);
      let time = Number(ev._time);
      if (ev._time === undefined || ev._time === null || ev._time === '' || !Number.isFinite(time)) {
        if (!this.#warnedTime) {
          this.#warnedTime = true;
          this.#log.warn({ template: this.#targetPath, _time: ev._time }, `jinja event without a numeric _time (epoch seconds); the render's time is used (stanza ${this.#sample.stanza})`);
        }
        time = fallbackTime / 1000;
      }
      const field = (name: string): string | undefined => {
        for (const [k, v] of Object.entries(ev)) if (k.toLowerCase() === name && v !== undefined && v !== null && v !== '') return String(v);
        return undefined;
      };
      out.push({
        raw: String(ev._raw).replace(/[\r\n]+$/, ''),
        time,
        index: field('index') ?? this.#meta.index,
        host: field('host') ?? this.#meta.host,
        source: field('source') ?? this.#meta.source,
        sourcetype: field('sourcetype') ?? this.#meta.sourcetype,
      });
    }
    return out;
  }

  generate(job: GenerationJob, ctx: GeneratorContext): EventRecord[] {
    const st = this.#state;
    st.now = job.now;
    st.random = ctx.random;
    const maxCount = job.intervalCount > 0 ? job.intervalCount : job.count;
    const span = job.latest - job.earliest;
    const base: Record<string, unknown> = {
      ...this.#variables,
      eventgen_maxcount: maxCount,
      eventgen_earliest: pythonDatetime(job.earliest, st.tz),
      eventgen_earliest_epoch: job.earliest / 1000,
      eventgen_latest: pythonDatetime(job.latest, st.tz),
      eventgen_latest_epoch: job.latest / 1000,
    };
    const renderOnce = (n: number): EventRecord[] => {
      const slice = this.#countType === 'cycles' && maxCount > 0 ? span / maxCount : span;
      const lo = job.earliest + (this.#countType === 'cycles' ? slice * n : 0);
      const target = lo + ctx.random.next() * slice;
      const vars = {
        ...base,
        eventgen_count: n,
        eventgen_target_time_earliest: lo / 1000,
        eventgen_target_time_latest: (lo + slice) / 1000,
        eventgen_target_time_slice_size: slice / 1000,
        eventgen_target_time_epoch: target / 1000,
      };
      return this.#events(this.#render(vars), job.latest);
    };

    const out: EventRecord[] = [];
    if (this.#countType === 'cycles') {
      for (let i = 0; i < job.count; i++) for (const e of renderOnce(job.intervalOffset + i)) out.push(e);
      return out;
    }
    // line_count: events; perDayVolume: bytes (UTF-8 plus the newline, as the volume generator counts).
    const goal = job.count;
    let got = 0;
    for (let n = 0; got < goal; n++) {
      const evs = renderOnce(n);
      if (evs.length === 0) throw new Error(`jinja template ${this.#targetPath} wrote no events, so jinja_count_type = ${this.#countType} can never be met`);
      for (const e of evs) {
        if (got >= goal) break;
        out.push(e);
        got += this.#countType === 'line_count' ? 1 : Buffer.byteLength(e.raw) + 1;
      }
    }
    return out;
  }
}

const plugin: GeneratorPlugin = {
  kind: 'generator',
  name: 'jinja',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Events written by a Jinja template (rendered with nunjucks); each a JSON object with _time and _raw.',
  queueable: true,
  needsSampleFile: false,
  create: (sample, ctx) => new JinjaGenerator(sample, ctx.log),
};
export default plugin;
