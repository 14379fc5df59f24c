/**
 * Splunk modular-input protocol (see shared/docs/splunk-platform.md §1):
 *  - `--scheme`: {@link schemeXml}
 *  - `--validate-arguments`: {@link parseValidationDefinition}, {@link validateEventgenParams},
 *    {@link validationErrorXml}
 *  - streaming: {@link readDefinitionBytes} + {@link parseInputDefinition} for the `<input>` XML on
 *    stdin, then {@link XmlEventWriter} / {@link encodeEventsXml} for the `<stream>` on stdout
 *  - logging for splunkd is in log.ts (createSplunkLogger).
 *
 * The XML reader here is deliberately small and strict (no dependency, no DTDs): it only has to
 * read splunkd's tiny vocabulary, and a clear error beats a guess when splunkd or a test sends
 * something else.
 */
import type { Readable, Writable } from 'node:stream';

/** Anything wrong with the protocol: malformed XML, a missing element, a closed stream. */
export class ModinputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModinputError';
  }
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Scheme (`--scheme`)
// ─────────────────────────────────────────────────────────────────────────────────────────────

export const SCHEME_NAME = 'eventgen';

/** The arguments an `[eventgen://<name>]` stanza accepts besides Splunk's implicit ones. */
export const SCHEME_ARGS = [
  {
    name: 'verbosity',
    title: 'Verbosity',
    description:
      'Log level for splunkd.log and var/log/splunk/eventgen.log: DEBUG, INFO, WARN, ERROR or FATAL ' +
      '(any case), or a Python logging number as in SA-Eventgen (10, 20, 30, 40, 50). Default INFO.',
  },
  {
    name: 'apps',
    title: 'Apps',
    description:
      'Comma-separated app names. Only eventgen.conf stanzas defined by these apps run. Empty means every enabled app.',
  },
  {
    name: 'generator_workers',
    title: 'Generator workers',
    description: 'Number of generator worker threads (a positive integer). Default: half the CPU cores.',
  },
  {
    name: 'reload_interval',
    title: 'Reload interval',
    description:
      'Seconds between checks of eventgen.conf in splunkd; when it changed, the samples are flushed and started ' +
      'again with it, continuing from their checkpoints. 0 turns the check off. Default 60.',
  },
] as const;

/**
 * The `--scheme` document. Every element is written explicitly (splunkd's own default streaming
 * mode is "simple"). Arguments are all `data_type` string, because `verbosity` also accepts words
 * and Splunk would reject those for a `number`; our own `--validate-arguments` checks the values.
 */
export function schemeXml(): string {
  const args = SCHEME_ARGS.map(
    (a) =>
      `      <arg name="${escapeXmlAttr(a.name)}">\n` +
      `        <title>${escapeXmlText(a.title)}</title>\n` +
      `        <description>${escapeXmlText(a.description)}</description>\n` +
      '        <data_type>string</data_type>\n' +
      '        <required_on_edit>false</required_on_edit>\n' +
      '        <required_on_create>false</required_on_create>\n' +
      '      </arg>\n',
  ).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<scheme>\n' +
    '  <title>Eventgen (Node)</title>\n' +
    '  <description>Generates synthetic events from eventgen.conf samples in the installed apps.</description>\n' +
    '  <use_external_validation>true</use_external_validation>\n' +
    '  <use_single_instance>false</use_single_instance>\n' +
    '  <streaming_mode>xml</streaming_mode>\n' +
    '  <endpoint>\n' +
    '    <args>\n' +
    args +
    '    </args>\n' +
    '  </endpoint>\n' +
    '</scheme>\n'
  );
}

export type SplunkLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Reads the `verbosity` parameter. Words are matched case-insensitively (WARNING and CRITICAL as
 * Python spells them); numbers follow Python logging, which SA-Eventgen's `verbosity = 40` uses,
 * rounding down to the nearest level. Returns undefined for anything else.
 */
export function parseVerbosity(value: string | undefined): SplunkLevel | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  const words: Record<string, SplunkLevel> = {
    trace: 'debug', debug: 'debug', info: 'info', warn: 'warn', warning: 'warn',
    error: 'error', fatal: 'fatal', critical: 'fatal',
  };
  if (v in words) return words[v];
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n >= 50) return 'fatal';
    if (n >= 40) return 'error';
    if (n >= 30) return 'warn';
    if (n >= 20) return 'info';
    return 'debug';
  }
  return undefined;
}

const APP_NAME = /^[A-Za-z0-9._-]+$/;

/** Splits the `apps` parameter; empty or missing means "no restriction" (an empty list). */
export function parseAppsList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Checks an `[eventgen://…]` stanza's own parameters. Returns one message per problem (empty when
 * valid); each names the parameter and the value so the UI shows something actionable.
 */
export function validateEventgenParams(params: Record<string, string>): string[] {
  const problems: string[] = [];
  const verbosity = params.verbosity;
  if (verbosity !== undefined && verbosity.trim() !== '' && parseVerbosity(verbosity) === undefined) {
    problems.push(
      `verbosity = ${JSON.stringify(verbosity)} is not a level: use DEBUG, INFO, WARN, ERROR, FATAL or 10/20/30/40/50.`,
    );
  }
  for (const app of parseAppsList(params.apps)) {
    if (!APP_NAME.test(app)) {
      problems.push(`apps: ${JSON.stringify(app)} is not an app folder name (letters, digits, ".", "_" and "-").`);
    }
  }
  const workers = params.generator_workers;
  if (workers !== undefined && workers.trim() !== '') {
    const n = Number(workers.trim());
    if (!/^\d+$/.test(workers.trim()) || n < 1 || n > 1024) {
      problems.push(`generator_workers = ${JSON.stringify(workers)} must be a whole number from 1 to 1024.`);
    }
  }
  const reload = params.reload_interval;
  if (reload !== undefined && reload.trim() !== '') {
    if (!/^\d+$/.test(reload.trim()) || Number(reload.trim()) > 86400) {
      problems.push(`reload_interval = ${JSON.stringify(reload)} must be a whole number of seconds from 0 (no check) to 86400.`);
    }
  }
  return problems;
}

/** The reply splunkd expects on stdout when `--validate-arguments` fails (then exit 1). */
export function validationErrorXml(message: string): string {
  return `<error><message>${escapeXmlText(message)}</message></error>`;
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Input and validation definitions (stdin)
// ─────────────────────────────────────────────────────────────────────────────────────────────

export interface InputStanza {
  /** `<scheme>://<name>` as splunkd sends it. */
  name: string;
  /** The app that defines the stanza (the `app=` attribute; older splunkd/SDK fixtures lack it). */
  app?: string;
  /** `<param>` values, verbatim (not trimmed). A repeated `<param>` keeps the last value. */
  params: Record<string, string>;
  /** `<param_list>` values, kept apart from `params` so a list never passes for a scalar. */
  paramLists: Record<string, string[]>;
}

export interface InputDefinition {
  serverHost: string;
  serverUri: string;
  sessionKey: string;
  checkpointDir: string;
  stanzas: InputStanza[];
}

export interface ValidationDefinition {
  serverHost: string;
  serverUri: string;
  sessionKey: string;
  checkpointDir: string;
  /** The single `<item>`; its name is the stanza name without `<scheme>://`. */
  item: InputStanza;
}

const METADATA = [
  ['server_host', 'serverHost'],
  ['server_uri', 'serverUri'],
  ['session_key', 'sessionKey'],
  ['checkpoint_dir', 'checkpointDir'],
] as const;
type Metadata = Record<(typeof METADATA)[number][1], string>;

/** Parses the `<input>` document splunkd writes to the script's stdin in streaming mode. */
export function parseInputDefinition(buf: Buffer | string): InputDefinition {
  const what = 'input definition';
  const root = parseXml(typeof buf === 'string' ? buf : decodeXmlBytes(buf, what), what);
  if (root.name !== 'input') throw new ModinputError(`${what}: the root element is <${root.name}>, expected <input>`);
  const meta = readMetadata(root, what);
  const configuration = childElements(root, what).filter((c) => c.name === 'configuration');
  if (configuration.length !== 1) {
    throw new ModinputError(`${what}: expected exactly one <configuration> element, found ${configuration.length}`);
  }
  const stanzas = childElements(configuration[0], what).map((el) => {
    if (el.name !== 'stanza') {
      throw new ModinputError(`${what}: unexpected <${el.name}> in <configuration> (line ${el.line}); only <stanza> is allowed`);
    }
    return readParams(el, what);
  });
  return { ...meta, stanzas };
}

/** Parses the `<items>` document of `--validate-arguments`. */
export function parseValidationDefinition(buf: Buffer | string): ValidationDefinition {
  const what = 'validation definition';
  const root = parseXml(typeof buf === 'string' ? buf : decodeXmlBytes(buf, what), what);
  if (root.name !== 'items') throw new ModinputError(`${what}: the root element is <${root.name}>, expected <items>`);
  const meta = readMetadata(root, what);
  const items = childElements(root, what).filter((c) => c.name === 'item');
  if (items.length !== 1) throw new ModinputError(`${what}: expected exactly one <item> element, found ${items.length}`);
  return { ...meta, item: readParams(items[0], what) };
}

/**
 * The four metadata elements are required. Other unknown children of the root are ignored, as the
 * SDKs do, so a newer splunkd that adds an element does not break the input.
 */
function readMetadata(root: XmlElement, what: string): Metadata {
  const out: Partial<Metadata> = {};
  for (const el of childElements(root, what)) {
    const m = METADATA.find(([tag]) => tag === el.name);
    if (!m) continue;
    if (out[m[1]] !== undefined) throw new ModinputError(`${what}: <${el.name}> appears twice (line ${el.line})`);
    // Trimmed: a pretty-printed session key with surrounding whitespace would fail authentication.
    out[m[1]] = textOf(el, what).trim();
  }
  for (const [tag, key] of METADATA) {
    if (out[key] === undefined) throw new ModinputError(`${what}: the <${tag}> element is missing from <${root.name}>`);
  }
  return out as Metadata;
}

function readParams(el: XmlElement, what: string): InputStanza {
  const name = el.attrs.name;
  if (name === undefined || name === '') {
    throw new ModinputError(`${what}: <${el.name}> at line ${el.line} has no name attribute`);
  }
  const stanza: InputStanza = { name, params: {}, paramLists: {} };
  if (el.attrs.app !== undefined) stanza.app = el.attrs.app;
  const where = `<${el.name} name=${JSON.stringify(name)}>`;
  for (const p of childElements(el, what)) {
    const pname = p.attrs.name;
    if (p.name !== 'param' && p.name !== 'param_list') {
      // Same wording idea as the SDKs ("Invalid configuration scheme, <editor> tag unexpected.").
      throw new ModinputError(`${what}: unexpected <${p.name}> in ${where} (line ${p.line}); only <param> and <param_list> are allowed`);
    }
    if (pname === undefined || pname === '') {
      throw new ModinputError(`${what}: <${p.name}> without a name attribute in ${where} (line ${p.line})`);
    }
    if (p.name === 'param') {
      stanza.params[pname] = textOf(p, what);
    } else {
      stanza.paramLists[pname] = childElements(p, what).map((v) => {
        if (v.name !== 'value') {
          throw new ModinputError(`${what}: unexpected <${v.name}> in <param_list name=${JSON.stringify(pname)}> (line ${v.line}); only <value> is allowed`);
        }
        return textOf(v, what);
      });
    }
  }
  return stanza;
}

/**
 * Reads a definition document from a stream (stdin). Resolves at EOF, or as soon as the buffered
 * text ends with the root's closing tag, because the JS SDK 1.x showed that some setups keep stdin
 * open; rejects after `timeoutMs` (the JS SDK waited 30.5 s) so a script never hangs silently.
 */
export function readDefinitionBytes(
  stream: Readable,
  opts: { root?: 'input' | 'items'; timeoutMs?: number } = {},
): Promise<Buffer> {
  const root = opts.root ?? 'input';
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const closing = new RegExp(`</${root}\\s*>\\s*$`);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err?: Error) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      if (err) reject(err);
      else {
        stream.pause();
        resolve(Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(b);
      size += b.length;
      const all = Buffer.concat(chunks, size);
      if (closing.test(decodeTail(all, 64))) finish();
    };
    const onEnd = () => finish();
    const onError = (e: Error) => finish(new ModinputError(`reading the ${root} definition from stdin failed: ${e.message}`));
    const timer = setTimeout(
      () => finish(new ModinputError(`no complete <${root}> definition arrived on stdin within ${timeoutMs} ms (received ${size} bytes)`)),
      timeoutMs,
    );
    timer.unref?.();
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

/** Lenient decoding of the last `n` characters, only to look for the closing tag. */
function decodeTail(buf: Buffer, n: number): string {
  const enc = sniffEncoding(buf);
  if (enc === 'utf-8') return buf.subarray(Math.max(0, buf.length - n)).toString('latin1');
  const start = Math.max(enc.bom ? 2 : 0, buf.length - 2 * n - (buf.length % 2));
  const tail = Buffer.from(buf.subarray(start, buf.length - (buf.length % 2)));
  if (enc.be) tail.swap16();
  return tail.toString('utf16le');
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Encoding detection
// ─────────────────────────────────────────────────────────────────────────────────────────────

type Sniffed = 'utf-8' | { be: boolean; bom: boolean };

function sniffEncoding(buf: Buffer): Sniffed {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { be: false, bom: true };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return { be: true, bom: true };
  // UTF-16 without a BOM still starts with "<" as a 16-bit unit (XML 1.0 appendix F).
  if (buf.length >= 2 && buf[0] === 0x3c && buf[1] === 0x00) return { be: false, bom: false };
  if (buf.length >= 2 && buf[0] === 0x00 && buf[1] === 0x3c) return { be: true, bom: false };
  return 'utf-8';
}

/**
 * Turns document bytes into text. The bytes decide (BOM, or the UTF-16 pattern of "<"), not the
 * declaration: the JS SDK fixtures are UTF-8 bytes that declare encoding="utf-16", and the Python
 * SDK ones are real UTF-16 with a BOM. A declared ISO-8859-1/US-ASCII is honoured for 8-bit input;
 * other declared encodings are refused rather than misread.
 */
export function decodeXmlBytes(buf: Buffer, what = 'XML document'): string {
  const enc = sniffEncoding(buf);
  if (enc !== 'utf-8') {
    const body = buf.subarray(enc.bom ? 2 : 0);
    if (body.length % 2 !== 0) throw new ModinputError(`${what}: UTF-16 input has an odd number of bytes (${buf.length}); it is truncated`);
    const copy = Buffer.from(body);
    if (enc.be) copy.swap16();
    try {
      return new TextDecoder('utf-16le', { fatal: true }).decode(copy);
    } catch {
      throw new ModinputError(`${what}: invalid UTF-16${enc.be ? 'BE' : 'LE'} (a lone surrogate)`);
    }
  }
  const head = buf.subarray(0, 200).toString('latin1');
  const declared = /^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared === 'iso-8859-1' || declared === 'latin1' || declared === 'latin-1') return buf.toString('latin1');
  if (declared !== undefined && !['utf-8', 'utf8', 'utf-16', 'utf16', 'us-ascii', 'ascii'].includes(declared)) {
    throw new ModinputError(`${what}: unsupported encoding "${declared}" in the XML declaration (use UTF-8)`);
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new ModinputError(`${what}: the bytes are not valid UTF-8`);
  }
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// A small strict XML reader
// ─────────────────────────────────────────────────────────────────────────────────────────────

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: Array<XmlElement | string>;
  /** 1-based line of the start tag, for error messages. */
  line: number;
}

const NAME = /[A-Za-z_:\u00C0-\uFFFD][-A-Za-z0-9_:.\u00B7\u00C0-\uFFFD]*/y;
const WS = /[ \t\n]*/y;
const INVALID_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Parses a whole document into elements and text. Supports the XML declaration, processing
 * instructions and comments (skipped), CDATA, the five predefined entities and character
 * references. Refuses DOCTYPE (no DTD, so no entity expansion), undefined entities, bare `&` or
 * `<`, mismatched tags, duplicate attributes and characters XML 1.0 forbids. Namespaces are not
 * interpreted: `xmlns:xsi` is just an attribute. Line ends are normalised to `\n` as XML requires.
 */
export function parseXml(input: string, what = 'XML document'): XmlElement {
  return new XmlReader(input.replace(/\r\n?/g, '\n'), what).document();
}

class XmlReader {
  private pos = 0;
  constructor(private readonly src: string, private readonly what: string) {}

  document(): XmlElement {
    const bad = INVALID_XML_CHAR.exec(this.src);
    if (bad) {
      this.pos = bad.index;
      this.fail(`character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML 1.0`);
    }
    if (this.src.charCodeAt(0) === 0xfeff) this.pos = 1;
    if (this.src.startsWith('<?xml', this.pos) && /[\s?]/.test(this.src[this.pos + 5] ?? '')) this.declaration();
    this.misc();
    if (this.pos >= this.src.length) this.fail('the document has no root element');
    if (this.src[this.pos] !== '<') this.fail('text before the root element');
    const root = this.elementTree();
    this.misc();
    if (this.pos < this.src.length) this.fail('content after the root element');
    return root;
  }

  private fail(msg: string): never {
    const before = this.src.slice(0, this.pos);
    const line = before.split('\n').length;
    const col = this.pos - before.lastIndexOf('\n');
    throw new ModinputError(`${this.what}: ${msg} (line ${line}, column ${col})`);
  }

  private line(): number {
    let n = 1;
    for (let i = this.src.indexOf('\n'); i !== -1 && i < this.pos; i = this.src.indexOf('\n', i + 1)) n++;
    return n;
  }

  private ws(): boolean {
    WS.lastIndex = this.pos;
    WS.exec(this.src);
    const moved = WS.lastIndex > this.pos;
    this.pos = WS.lastIndex;
    return moved;
  }

  private name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.src);
    if (!m) this.fail('expected a name');
    this.pos = NAME.lastIndex;
    return m[0];
  }

  private expect(s: string): void {
    if (!this.src.startsWith(s, this.pos)) this.fail(`expected "${s}"`);
    this.pos += s.length;
  }

  private declaration(): void {
    const end = this.src.indexOf('?>', this.pos);
    if (end === -1) this.fail('unterminated XML declaration');
    const body = this.src.slice(this.pos + 5, end);
    if (!/^\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*$/.test(body)) {
      this.fail('malformed XML declaration');
    }
    this.pos = end + 2;
  }

  /** Whitespace, comments and processing instructions outside the root element. */
  private misc(): void {
    for (;;) {
      this.ws();
      if (this.src.startsWith('<!--', this.pos)) this.comment();
      else if (this.src.startsWith('<?', this.pos)) this.pi();
      else if (this.src.startsWith('<!DOCTYPE', this.pos)) this.fail('DOCTYPE is not allowed (no DTDs in modular input XML)');
      else return;
    }
  }

  /**
   * XML 1.0 forbids "--" inside a comment; we accept it (only "-->" ends a comment, so nothing
   * can be misread), because our own constructed fixture says "--validate-arguments" in one.
   */
  private comment(): void {
    const end = this.src.indexOf('-->', this.pos + 4);
    if (end === -1) this.fail('unterminated comment');
    this.pos = end + 3;
  }

  private pi(): void {
    this.pos += 2;
    const target = this.name();
    if (target.toLowerCase() === 'xml') this.fail('an XML declaration is only allowed at the very start');
    const end = this.src.indexOf('?>', this.pos);
    if (end === -1) this.fail('unterminated processing instruction');
    this.pos = end + 2;
  }

  /** Iterative, so a deeply nested document cannot exhaust the call stack. */
  private elementTree(): XmlElement {
    const root = this.startTag();
    const stack: XmlElement[] = root.selfClosing ? [] : [root];
    delete root.selfClosing;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (this.pos >= this.src.length) this.fail(`unexpected end of document: <${top.name}> (line ${top.line}) is not closed`);
      if (this.src[this.pos] !== '<') {
        this.text(top);
      } else if (this.src.startsWith('</', this.pos)) {
        this.pos += 2;
        const name = this.name();
        this.ws();
        this.expect('>');
        if (name !== top.name) this.fail(`</${name}> does not match <${top.name}> (opened at line ${top.line})`);
        stack.pop();
      } else if (this.src.startsWith('<!--', this.pos)) {
        this.comment();
      } else if (this.src.startsWith('<![CDATA[', this.pos)) {
        const end = this.src.indexOf(']]>', this.pos + 9);
        if (end === -1) this.fail('unterminated CDATA section');
        appendText(top, this.src.slice(this.pos + 9, end));
        this.pos = end + 3;
      } else if (this.src.startsWith('<?', this.pos)) {
        this.pi();
      } else if (this.src.startsWith('<!', this.pos)) {
        this.fail('markup declarations are not allowed');
      } else {
        const el = this.startTag();
        top.children.push(el);
        if (!el.selfClosing) stack.push(el);
        delete el.selfClosing;
      }
    }
    return root;
  }

  private startTag(): XmlElement & { selfClosing?: boolean } {
    const line = this.line();
    this.pos++;
    const el: XmlElement & { selfClosing?: boolean } = { name: this.name(), attrs: {}, children: [], line };
    for (;;) {
      const spaced = this.ws();
      if (this.src.startsWith('/>', this.pos)) {
        this.pos += 2;
        el.selfClosing = true;
        return el;
      }
      if (this.src[this.pos] === '>') {
        this.pos++;
        return el;
      }
      if (!spaced) this.fail(`expected whitespace, ">" or "/>" in <${el.name}>`);
      const attr = this.name();
      this.ws();
      this.expect('=');
      this.ws();
      const quote = this.src[this.pos];
      if (quote !== '"' && quote !== "'") this.fail(`the value of ${attr} must be quoted`);
      const end = this.src.indexOf(quote, this.pos + 1);
      if (end === -1) this.fail(`unterminated value of ${attr}`);
      const raw = this.src.slice(this.pos + 1, end);
      if (raw.includes('<')) this.fail(`"<" in the value of ${attr}`);
      if (Object.prototype.hasOwnProperty.call(el.attrs, attr)) this.fail(`duplicate attribute ${attr} on <${el.name}>`);
      // Attribute-value normalisation: literal whitespace becomes a space; &#10; etc. survive.
      el.attrs[attr] = this.entities(raw.replace(/[\t\n]/g, ' '), this.pos + 1);
      this.pos = end + 1;
    }
  }

  private text(top: XmlElement): void {
    let end = this.src.indexOf('<', this.pos);
    if (end === -1) end = this.src.length;
    const raw = this.src.slice(this.pos, end);
    if (raw.includes(']]>')) this.fail('"]]>" in text');
    appendText(top, this.entities(raw, this.pos));
    this.pos = end;
  }

  /** Resolves references in `raw`, which starts at `start` in the source (for error positions). */
  private entities(raw: string, start: number): string {
    if (!raw.includes('&')) return raw;
    return raw.replace(/&([^;&\s]*);?/g, (whole, ref: string, offset: number) => {
      if (!whole.endsWith(';')) {
        this.pos = start + offset;
        this.fail('a bare "&" must be written &amp;');
      }
      switch (ref) {
        case 'lt': return '<';
        case 'gt': return '>';
        case 'amp': return '&';
        case 'quot': return '"';
        case 'apos': return "'";
      }
      const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
      const cp = m ? parseInt(m[1] ?? m[2], m[1] ? 16 : 10) : NaN;
      const ok = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
        (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
      if (!ok) {
        this.pos = start + offset;
        this.fail(m ? `character reference &${ref}; is not an XML 1.0 character` : `undefined entity &${ref}; (only lt, gt, amp, quot, apos)`);
      }
      return String.fromCodePoint(cp);
    });
  }
}

function appendText(el: XmlElement, text: string): void {
  if (text === '') return;
  const last = el.children.length - 1;
  if (last >= 0 && typeof el.children[last] === 'string') el.children[last] = (el.children[last] as string) + text;
  else el.children.push(text);
}

/** Child elements of `el`; refuses non-blank text between them (no mixed content here). */
export function childElements(el: XmlElement, what = 'XML document'): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (typeof c !== 'string') out.push(c);
    else if (c.trim() !== '') throw new ModinputError(`${what}: unexpected text ${JSON.stringify(c.trim().slice(0, 40))} in <${el.name}> (line ${el.line})`);
  }
  return out;
}

/** Text content of a leaf element; refuses child elements. */
export function textOf(el: XmlElement, what = 'XML document'): string {
  let s = '';
  for (const c of el.children) {
    if (typeof c !== 'string') throw new ModinputError(`${what}: <${el.name}> (line ${el.line}) must hold text, found <${c.name}>`);
    s += c;
  }
  return s;
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Event stream (stdout)
// ─────────────────────────────────────────────────────────────────────────────────────────────

export interface ModinputEvent {
  /** Epoch seconds; fractions are kept to the millisecond. */
  time: number;
  data: string;
  index?: string;
  host?: string;
  source?: string;
  sourcetype?: string;
}

// One pass decides whether a value needs work, so the common plain-ASCII case costs one regex test.
// Without the `u` flag the classes see UTF-16 code units, which is what finds lone surrogates.
const TEXT_SPECIAL = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const TEXT_REPLACE = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/g;
const ATTR_SPECIAL = /[&<>"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const ATTR_REPLACE = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[&<>"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/g;

function replaceChar(c: string): string {
  if (c.length === 2) return c; // a valid surrogate pair
  switch (c) {
    case '&': return '&amp;';
    case '<': return '&lt;';
    case '>': return '&gt;';
    case '"': return '&quot;';
    // A literal CR would be turned into LF by any conforming XML parser (and tab/LF into spaces
    // inside attributes), so they are written as character references to survive unchanged.
    case '\r': return '&#13;';
    case '\n': return '&#10;';
    case '\t': return '&#9;';
    // C0 controls, U+FFFE/U+FFFF and lone surrogates cannot be carried by XML 1.0 at all, not even
    // as references. U+FFFD keeps the event's shape and marks the spot; dropping could silently
    // join two tokens.
    default: return '\uFFFD';
  }
}

/** Escapes element text: `& < >`, CR as `&#13;`, unencodable characters → U+FFFD. */
export function escapeXmlText(s: string): string {
  return TEXT_SPECIAL.test(s) ? s.replace(TEXT_REPLACE, replaceChar) : s;
}

/** Escapes an attribute value: as text plus `"` and tab/LF as references. */
export function escapeXmlAttr(s: string): string {
  return ATTR_SPECIAL.test(s) ? s.replace(ATTR_REPLACE, replaceChar) : s;
}

/** `1700000000.123`, `1700000000.500`, or `1700000000` when the time is a whole second. */
export function formatEventTime(time: number): string {
  const ms = Math.round(time * 1000);
  const abs = Math.abs(ms);
  const sec = Math.floor(abs / 1000);
  const frac = abs % 1000;
  const sign = ms < 0 ? '-' : '';
  return frac === 0 ? `${sign}${sec}` : `${sign}${sec}.${String(frac).padStart(3, '0')}`;
}

/**
 * Encodes a batch of events as `<event>` elements (no `<stream>` wrapper) in one string, without
 * a DOM, so it can run in a worker thread. Events carry no `unbroken` attribute, so splunkd takes
 * each `<data>` as one complete event and never splits a multi-line event. `stanza` is required by
 * splunkd only in single-instance mode; it is written when given.
 */
export function encodeEventsXml(events: readonly ModinputEvent[], stanza?: string): string {
  const open = stanza === undefined ? '<event>' : `<event stanza="${escapeXmlAttr(stanza)}">`;
  let out = '';
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (typeof e.time !== 'number' || !Number.isFinite(e.time)) {
      throw new ModinputError(`event ${i} of the batch has time ${String(e.time)}; expected epoch seconds`);
    }
    if (typeof e.data !== 'string') throw new ModinputError(`event ${i} of the batch has no string data`);
    out += open + '<time>' + formatEventTime(e.time) + '</time>';
    // Child order as the original wrote it (splunkd accepts any order; its tests pinned this one).
    if (e.index !== undefined) out += '<index>' + escapeXmlText(e.index) + '</index>';
    if (e.source !== undefined) out += '<source>' + escapeXmlText(e.source) + '</source>';
    if (e.sourcetype !== undefined) out += '<sourcetype>' + escapeXmlText(e.sourcetype) + '</sourcetype>';
    if (e.host !== undefined) out += '<host>' + escapeXmlText(e.host) + '</host>';
    out += '<data>' + escapeXmlText(e.data) + '</data></event>\n';
  }
  return out;
}

/**
 * Writes the `<stream>` document to stdout (or any Writable). `<stream>` is written before the
 * first batch, `</stream>` once by {@link close}. Each call writes one chunk and, when the stream
 * reports backpressure, resolves only after `drain`, so callers that await never buffer unbounded.
 * A stream error (EPIPE when splunkd goes away) is remembered: the pending and every later call
 * reject with it, and it is not re-thrown as an uncaught 'error' event.
 */
export class XmlEventWriter {
  private started = false;
  private closing: Promise<void> | undefined;
  private failure: Error | undefined;
  private pendingDrain: Promise<void> | undefined;
  /** Events passed to writeEvents/writeEncoded so far. */
  eventsWritten = 0;

  constructor(private readonly out: Writable = process.stdout) {
    out.on('error', (err: Error) => {
      this.failure ??= err;
    });
  }

  /** The error the output stream reported, if any (e.g. EPIPE). */
  get error(): Error | undefined {
    return this.failure;
  }

  writeEvents(events: readonly ModinputEvent[], stanza?: string): Promise<void> {
    if (events.length === 0) return this.failure ? Promise.reject(this.failure) : Promise.resolve();
    return this.writeEncoded(encodeEventsXml(events, stanza), events.length);
  }

  /** Writes `<event>` XML already made by {@link encodeEventsXml} (e.g. in a worker thread). */
  writeEncoded(xml: string, eventCount = 0): Promise<void> {
    if (this.closing) return Promise.reject(new ModinputError('XmlEventWriter: write after close()'));
    const chunk = this.started ? xml : '<stream>\n' + xml;
    this.started = true;
    this.eventsWritten += eventCount;
    return this.write(chunk);
  }

  /** Writes `</stream>` (and `<stream>` if nothing was written yet) once; later calls share it. */
  close(): Promise<void> {
    this.closing ??= this.write(this.started ? '</stream>\n' : '<stream>\n</stream>\n');
    this.started = true;
    return this.closing;
  }

  private write(chunk: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.out.destroyed || this.out.writableEnded) {
      return Promise.reject(new ModinputError('XmlEventWriter: the output stream is closed'));
    }
    const ok = this.out.write(chunk);
    if (ok) return Promise.resolve();
    this.pendingDrain ??= new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        this.out.off('drain', onDrain);
        this.out.off('error', onError);
        this.out.off('close', onClose);
        this.pendingDrain = undefined;
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      const onError = (err: Error) => done(err);
      const onClose = () => done(this.failure ?? new ModinputError('XmlEventWriter: the output stream closed while waiting for drain'));
      this.out.on('drain', onDrain);
      this.out.on('error', onError);
      this.out.on('close', onClose);
    });
    return this.pendingDrain;
  }
}
