/** The modular-input protocol layer, checked on every Splunk fixture and against the stand-in's own parsers. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import {
  ModinputError, XmlEventWriter, decodeXmlBytes, encodeEventsXml, escapeXmlAttr, escapeXmlText,
  formatEventTime, parseAppsList, parseInputDefinition, parseValidationDefinition, parseVerbosity,
  parseXml, readDefinitionBytes, schemeXml, validateEventgenParams, validationErrorXml, type ModinputEvent,
} from '../../../lib/splunk/modinput';
import { buildInputXml, checkSchemeXml, fixturesDir, parseEventStream } from '../../stand-ins/splunkd';

const FIX = fixturesDir();
const fixture = (rel: string) => readFileSync(join(FIX, rel));
const JS = 'sdk-javascript-1.11.0/modularinputs-data';
const PY = 'sdk-python/modularinput-data';

describe('the XML reader on every fixture', () => {
  const files = [JS, PY, 'captured-splunkd', 'constructed'].flatMap((d) =>
    readdirSync(join(FIX, d)).filter((f) => f.endsWith('.xml')).map((f) => `${d}/${f}`));

  test('there are fixtures to read', () => {
    expect(files.length).toBeGreaterThanOrEqual(34);
  });

  test.each(files)('%s is well-formed', (rel) => {
    const root = parseXml(decodeXmlBytes(fixture(rel), rel), rel);
    const expected = /conf_with|inputs\.xml|input-definition/.test(rel) ? 'input'
      : /validation\.xml|validation-items/.test(rel) ? 'items'
      : /validation_error/.test(rel) ? 'error'
      : /^.*\/(scheme|argument|event|stream)_/.exec(rel)?.[1].replace('argument', 'arg') ?? '?';
    expect(root.name).toBe(expected);
  });

  test('the sdk-python conf/validation fixtures are UTF-16 with a big-endian BOM (the README says LE)', () => {
    for (const f of ['conf_with_0_inputs.xml', 'conf_with_2_inputs.xml', 'validation.xml']) {
      expect([...fixture(`${PY}/${f}`).subarray(0, 2)]).toEqual([0xfe, 0xff]);
    }
  });
});

describe('parseInputDefinition', () => {
  test.each([JS, PY])('%s conf_with_2_inputs: params, param_list, app attribute', (dir) => {
    const def = parseInputDefinition(fixture(`${dir}/conf_with_2_inputs.xml`));
    expect(def).toMatchObject({ serverHost: 'tiny', serverUri: 'https://127.0.0.1:8089', sessionKey: '123102983109283019283', checkpointDir: '/some/dir' });
    expect(def.stanzas.map((s) => s.name)).toEqual(['foobar://aaa', 'foobar://bbb']);
    expect(def.stanzas[1].params).toEqual({ param1: 'value11', param2: 'value22', disabled: '0', index: 'default' });
    expect(def.stanzas[1].paramLists).toEqual({ multiValue: ['value1', 'value2'], multiValue2: ['value3', 'value4'] });
    // Only the Python SDK fixture carries app= (the JS one predates it).
    expect(def.stanzas.map((s) => s.app)).toEqual(dir === PY ? ['search', 'my_app'] : [undefined, undefined]);
  });

  test.each([JS, PY])('%s conf_with_0_inputs: an empty <configuration/>', (dir) => {
    expect(parseInputDefinition(fixture(`${dir}/conf_with_0_inputs.xml`)).stanzas).toEqual([]);
  });

  test('conf_with_5_inputs', () => {
    expect(parseInputDefinition(fixture(`${JS}/conf_with_5_inputs.xml`)).stanzas.map((s) => s.name.slice(9))).toEqual(['aaa', 'bbb', 'ccc', 'ddd', 'eee']);
  });

  test.each([JS, PY])('%s conf_with_invalid_inputs is refused, naming the element', (dir) => {
    expect(() => parseInputDefinition(fixture(`${dir}/conf_with_invalid_inputs.xml`))).toThrow(
      new ModinputError('input definition: unexpected <editor> in <stanza name="foobar://aaa"> (line 9); only <param> and <param_list> are allowed'),
    );
  });

  test('captured splunkd output (Enterprise on Windows)', () => {
    const def = parseInputDefinition(fixture('captured-splunkd/signalfx-Splunk_TA_otel.inputs.xml'));
    expect(def.checkpointDir).toBe('C:\\Program Files\\Splunk\\var\\lib\\splunk\\modinputs\\Splunk_TA_otel');
    expect(def.stanzas).toHaveLength(1);
    expect(def.stanzas[0]).toMatchObject({ name: 'Splunk_TA_otel://Splunk_TA_otel', app: 'Splunk_TA_otel' });
    expect(Object.keys(def.stanzas[0].params)).toHaveLength(16);
    expect(def.stanzas[0].params.host).toBe('$decideOnStartup');
  });

  test('captured splunkd output without an XML declaration (Universal Forwarder)', () => {
    const def = parseInputDefinition(fixture('captured-splunkd/signalfx-install.inputs.xml'));
    expect(def.serverUri).toBe('https://127.0.0.1:9089');
    expect(def.stanzas[0].params).toEqual({ host: '$decideOnStartup', index: 'default', uninstall: 'false' });
  });

  test('the constructed eventgen input, in UTF-8, UTF-8 with BOM, UTF-16 LE/BE with and without BOM', () => {
    const utf8 = fixture('constructed/constructed-eventgen.input-definition.xml');
    const expected = parseInputDefinition(utf8);
    expect(expected.sessionKey).toBe('hY4nQ9ufvWn0ujO^ZYJ8Ig2WcQaDm0_1Vn0_zvc1PrdzrnMfY2b3jwAwo6D3YV9oZ8h');
    expect(expected.stanzas[0]).toEqual({
      name: 'eventgen://default', app: 'SA-Eventgen-node', paramLists: {},
      params: { disabled: '0', host: '$decideOnStartup', index: 'default', interval: '0', start_by_shell: 'false', verbosity: 'info', generator_workers: '2' },
    });
    const text = utf8.toString('utf8');
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const variant of [
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), le]), le,
      Buffer.concat([Buffer.from([0xfe, 0xff]), be]), be,
    ]) {
      expect(parseInputDefinition(variant)).toEqual(expected);
    }
  });

  test('what the stand-in writes (UTF-8 and UTF-16) reads back', () => {
    const spec = {
      serverUri: 'https://127.0.0.1:8089', sessionKey: 'k&<>"', checkpointDir: '/opt/splunk/var/lib/splunk/modinputs/eventgen',
      stanzas: [{ name: 'eventgen://a b', app: 'SA-Eventgen-node', params: { verbosity: 'DEBUG', apps: 'a,b', note: '<&>' } }],
    };
    for (const enc of ['utf-8', 'utf-16le', 'utf-16be'] as const) {
      const def = parseInputDefinition(buildInputXml(spec, enc));
      expect(def.sessionKey).toBe('k&<>"');
      expect(def.stanzas[0]).toEqual({ ...spec.stanzas[0], paramLists: {} });
    }
  });

  test('entities, character references, CDATA, comments, PIs, attribute normalisation, CRLF', () => {
    const xml = '<?xml version="1.0"?>\r\n<!-- c --><?pi x?><input><server_host> h </server_host><server_uri>u</server_uri>' +
      '<session_key>s</session_key><checkpoint_dir>d</checkpoint_dir><configuration>' +
      '<stanza name=\'eventgen://x&#10;y\' app="a\tb"><!-- inside -->' +
      '<param name="e">&lt;&amp;&gt;&quot;&apos;&#65;&#x1F600;</param>' +
      '<param name="c"><![CDATA[<not a tag> & ]]>tail</param>' +
      '<param name="crlf">a\r\nb\rc</param><param name="empty"/></stanza></configuration></input>';
    const s = parseInputDefinition(Buffer.from(xml)).stanzas[0];
    expect(s.name).toBe('eventgen://x\ny');
    expect(s.app).toBe('a b');
    expect(s.params).toEqual({ e: '<&>"\'A😀', c: '<not a tag> & tail', crlf: 'a\nb\nc', empty: '' });
  });

  const wrap = (inner: string) =>
    `<input><server_host>h</server_host><server_uri>u</server_uri><session_key>s</session_key><checkpoint_dir>d</checkpoint_dir>${inner}</input>`;
  test.each([
    ['mismatched tags', wrap('<configuration></stanza>'), /<\/stanza> does not match <configuration>/],
    ['unclosed', '<input><server_host>h', /<server_host> \(line 1\) is not closed/],
    ['bare &', wrap('<configuration><stanza name="a"><param name="p">a & b</param></stanza></configuration>'), /bare "&"/],
    ['unknown entity', wrap('<configuration><stanza name="a"><param name="p">&nbsp;</param></stanza></configuration>'), /undefined entity &nbsp;/],
    ['DOCTYPE', '<!DOCTYPE input [<!ENTITY x "y">]>' + wrap('<configuration/>'), /DOCTYPE is not allowed/],
    ['duplicate attribute', wrap('<configuration><stanza name="a" name="b"/></configuration>'), /duplicate attribute name/],
    ['content after root', wrap('<configuration/>') + '<input/>', /content after the root element/],
    ['control character', wrap('<configuration/>').replace('>h<', '>h\u0001<'), /U\+0001 is not allowed/],
    ['bad char reference', wrap('<configuration/>').replace('>h<', '>&#0;<'), /&#0; is not an XML 1.0 character/],
    ['"<" in an attribute', wrap('<configuration><stanza name="a<b"/></configuration>'), /"<" in the value of name/],
    ['unquoted attribute', wrap('<configuration><stanza name=a/></configuration>'), /must be quoted/],
    ['wrong root', '<items/>', /root element is <items>, expected <input>/],
    ['missing session_key', wrap('<configuration/>').replace('<session_key>s</session_key>', ''), /<session_key> element is missing/],
    ['no configuration', wrap(''), /exactly one <configuration>/],
    ['two configurations', wrap('<configuration/><configuration/>'), /exactly one <configuration> element, found 2/],
    ['stanza without name', wrap('<configuration><stanza/></configuration>'), /has no name attribute/],
    ['text in a stanza', wrap('<configuration><stanza name="a">oops</stanza></configuration>'), /unexpected text "oops"/],
    ['element in a param', wrap('<configuration><stanza name="a"><param name="p"><b/></param></stanza></configuration>'), /must hold text, found <b>/],
    ['XML declaration later', ' <?xml version="1.0"?>' + wrap('<configuration/>'), /only allowed at the very start/],
    ['empty document', '', /no root element/],
  ])('malformed: %s', (_name, xml, re) => {
    const err = (() => {
      try {
        parseInputDefinition(Buffer.from(xml));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ModinputError);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).toMatch(/^input definition: /);
  });

  test('malformed bytes: invalid UTF-8, truncated UTF-16, unsupported encodings', () => {
    expect(() => parseInputDefinition(Buffer.from([0x3c, 0x69, 0xff, 0x3e]))).toThrow(/not valid UTF-8/);
    expect(() => parseInputDefinition(Buffer.from([0xff, 0xfe, 0x3c, 0x00, 0x69]))).toThrow(/odd number of bytes/);
    expect(() => parseInputDefinition(Buffer.from('<?xml version="1.0" encoding="Shift_JIS"?><input/>'))).toThrow(/unsupported encoding "shift_jis"/);
    expect(parseXml(decodeXmlBytes(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>f\xfcr</a>', 'latin1'))).children).toEqual(['für']);
  });
});

describe('validation', () => {
  test.each([JS, PY])('%s validation.xml', (dir) => {
    const v = parseValidationDefinition(fixture(`${dir}/validation.xml`));
    expect(v.checkpointDir).toBe('/opt/splunk/var/lib/splunk/modinputs');
    expect(v.item.name).toBe('aaa');
    expect(v.item.params).toEqual({ param1: 'value1', param2: 'value2', disabled: '0', index: 'default' });
    expect(v.item.paramLists.multiValue2).toEqual(['value3', 'value4']);
  });

  test('the constructed items: generator_workers = abc is reported', () => {
    const v = parseValidationDefinition(fixture('constructed/constructed-eventgen.validation-items.xml'));
    expect(v.item).toEqual({ name: 'default', params: { verbosity: 'info', generator_workers: 'abc' }, paramLists: {} });
    expect(validateEventgenParams(v.item.params)).toEqual(['generator_workers = "abc" must be a whole number from 1 to 1024.']);
  });

  test('exactly one <item>', () => {
    expect(() => parseValidationDefinition('<items><server_host/><server_uri/><session_key/><checkpoint_dir/></items>')).toThrow(/exactly one <item>/);
  });

  test('validateEventgenParams', () => {
    expect(validateEventgenParams({})).toEqual([]);
    expect(validateEventgenParams({ reload_interval: '0' })).toEqual([]);
    expect(validateEventgenParams({ reload_interval: '30' })).toEqual([]);
    expect(validateEventgenParams({ reload_interval: '-5' })).toEqual(['reload_interval = "-5" must be a whole number of seconds from 0 (no check) to 86400.']);
    expect(validateEventgenParams({ reload_interval: '1.5' })).toEqual(['reload_interval = "1.5" must be a whole number of seconds from 0 (no check) to 86400.']);
    expect(validateEventgenParams({ verbosity: '40', apps: ' SA-Eventgen , my_bundle.v2 ,', generator_workers: '4' })).toEqual([]);
    expect(validateEventgenParams({ verbosity: 'loud', apps: 'ok,bad/app', generator_workers: '0' })).toEqual([
      'verbosity = "loud" is not a level: use DEBUG, INFO, WARN, ERROR, FATAL or 10/20/30/40/50.',
      'apps: "bad/app" is not an app folder name (letters, digits, ".", "_" and "-").',
      'generator_workers = "0" must be a whole number from 1 to 1024.',
    ]);
  });

  test('parseVerbosity and parseAppsList', () => {
    expect(['DEBUG', 'info', 'Warning', 'error', 'CRITICAL', '10', '20', '30', '40', '50', '25', 'x', undefined].map(parseVerbosity))
      .toEqual(['debug', 'info', 'warn', 'error', 'fatal', 'debug', 'info', 'warn', 'error', 'fatal', 'info', undefined, undefined]);
    expect(parseAppsList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(parseAppsList('')).toEqual([]);
  });

  test('validationErrorXml matches the SDK fixture byte for byte, and escapes', () => {
    expect(validationErrorXml('Big fat validation error!')).toBe(fixture(`${JS}/validation_error.xml`).toString('utf8'));
    expect(validationErrorXml('a < b & c')).toBe('<error><message>a &lt; b &amp; c</message></error>');
  });
});

describe('schemeXml', () => {
  test('passes the stand-in scheme check with the documented arguments', () => {
    const { scheme, problems } = checkSchemeXml(schemeXml());
    expect(problems).toEqual([]);
    expect(scheme).toMatchObject({ title: 'Eventgen (Node)', useExternalValidation: true, useSingleInstance: false, streamingMode: 'xml' });
    expect(scheme!.args.map((a) => [a.name, a.dataType, a.requiredOnCreate, a.requiredOnEdit])).toEqual([
      ['verbosity', 'string', false, false], ['apps', 'string', false, false], ['generator_workers', 'string', false, false], ['reload_interval', 'string', false, false],
    ]);
  });

  test('uses only elements the SDK scheme fixtures use', () => {
    const names = (xml: string) => new Set([...xml.matchAll(/<([a-z_]+)[\s>]/g)].map((m) => m[1]));
    const sdk = new Set([...names(fixture(`${PY}/scheme_without_defaults_and_argument_title.xml`).toString('utf8'))]);
    for (const n of names(schemeXml())) expect(sdk).toContain(n);
  });
});

describe('readDefinitionBytes', () => {
  const input = fixture('constructed/constructed-eventgen.input-definition.xml');

  test('resolves at </input> even when stdin stays open, from small chunks', async () => {
    const s = new PassThrough();
    const p = readDefinitionBytes(s, { timeoutMs: 2000 });
    for (let i = 0; i < input.length; i += 13) s.write(input.subarray(i, i + 13));
    expect((await p).equals(input)).toBe(true);
  });

  test('resolves at EOF (comments after the root); UTF-16 is detected too', async () => {
    const s = new PassThrough();
    const p = readDefinitionBytes(s);
    s.end(Buffer.concat([input, Buffer.from('<!-- trailing -->\n')]));
    expect(parseInputDefinition(await p).stanzas).toHaveLength(1);
    const u16 = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(input.toString('utf8'), 'utf16le').swap16()]);
    const s2 = new PassThrough();
    const p2 = readDefinitionBytes(s2, { timeoutMs: 2000 });
    s2.write(u16.subarray(0, 101));
    s2.write(u16.subarray(101));
    expect((await p2).equals(u16)).toBe(true);
  });

  test('times out with a clear error', async () => {
    const s = new PassThrough();
    const p = readDefinitionBytes(s, { timeoutMs: 50 });
    s.write('<input>');
    await expect(p).rejects.toThrow(/no complete <input> definition arrived on stdin within 50 ms \(received 7 bytes\)/);
  });
});

describe('encodeEventsXml', () => {
  test('one event, exact bytes; no unbroken/done so multi-line events stay whole', () => {
    expect(encodeEventsXml([{ time: 1700000000.123, data: 'a\nb', index: 'main', host: 'h', source: 's', sourcetype: 'st' }], 'eventgen://x'))
      .toBe('<event stanza="eventgen://x"><time>1700000000.123</time><index>main</index><source>s</source><sourcetype>st</sourcetype><host>h</host><data>a\nb</data></event>\n');
    expect(encodeEventsXml([{ time: 1, data: 'x' }])).toBe('<event><time>1</time><data>x</data></event>\n');
    expect(encodeEventsXml([])).toBe('');
  });

  test.each([
    [1700000000, '1700000000'], [1700000000.123, '1700000000.123'], [1700000000.5, '1700000000.500'],
    [1700000000.0004, '1700000000'], [1700000000.9996, '1700000001'], [0.001, '0.001'], [-1.5, '-1.500'],
  ])('time %p → %s', (t, s) => {
    expect(formatEventTime(t)).toBe(s);
  });

  test('refuses a time that is not a finite number', () => {
    expect(() => encodeEventsXml([{ time: 1, data: 'ok' }, { time: NaN, data: 'x' }])).toThrow(/event 1 of the batch has time NaN/);
  });

  test('escaping and characters XML 1.0 cannot carry', () => {
    expect(escapeXmlText('plain')).toBe('plain');
    expect(escapeXmlText('a&b<c>d]]>e"f')).toBe('a&amp;b&lt;c&gt;d]]&gt;e"f');
    expect(escapeXmlText('cr\r\nlf\ttab')).toBe('cr&#13;\nlf\ttab');
    expect(escapeXmlText('nul\u0000 bel\u0007 ff\u000c \uFFFE\uFFFF')).toBe('nul\uFFFD bel\uFFFD ff\uFFFD \uFFFD\uFFFD');
    expect(escapeXmlText('lone \uD800 and \uDC00, pair 😀')).toBe('lone \uFFFD and \uFFFD, pair 😀');
    expect(escapeXmlAttr('a"b\tc\nd&')).toBe('a&quot;b&#9;c&#10;d&amp;');
  });

  test('the stand-in reads back exactly what was meant, for awkward data', () => {
    const events: ModinputEvent[] = [
      { time: 1700000000.25, data: 'line1\r\nline2\n\tindented & <tag attr="v"> ]]> end', index: 'idx', host: 'h"1', source: 'src<', sourcetype: 'st&' },
      { time: 1700000001, data: 'bad \u0001 char, lone \uD83D, emoji 😀, CJK 쎼' },
      { time: 1700000002, data: '' },
    ];
    const { events: back, sawStreamEnd } = parseEventStream(`<stream>${encodeEventsXml(events, 'eventgen://a "b"\t')}</stream>`);
    expect(sawStreamEnd).toBe(true);
    expect(back).toEqual([
      { stanza: 'eventgen://a "b"\t', unbroken: false, done: false, time: '1700000000.250', data: events[0].data, index: 'idx', host: 'h"1', source: 'src<', sourcetype: 'st&' },
      { stanza: 'eventgen://a "b"\t', unbroken: false, done: false, time: '1700000001', data: 'bad \uFFFD char, lone \uFFFD, emoji 😀, CJK 쎼' },
      { stanza: 'eventgen://a "b"\t', unbroken: false, done: false, time: '1700000002', data: '' },
    ]);
  });

  test('carries the same event as the SDK event_maximal fixture (except unbroken/done)', () => {
    const sdk = parseEventStream(`<stream>${fixture(`${JS}/event_maximal.xml`).toString('utf8')}</stream>`).events[0];
    const ours = parseEventStream(`<stream>${encodeEventsXml([{ time: 1372274622.493, data: sdk.data, source: 'hilda', sourcetype: 'misc', index: 'main', host: 'localhost' }], 'fubar')}</stream>`).events[0];
    expect(ours).toEqual({ ...sdk, unbroken: false, done: false });
  });
});

/** A Writable that completes each write after `delayMs`, recording what arrived. */
function slowSink(highWaterMark: number, delayMs: number, fail?: Error): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, cb) {
      setTimeout(() => {
        if (fail) return cb(fail);
        chunks.push(chunk);
        cb();
      }, delayMs);
    },
  });
  return Object.assign(w, { text: () => Buffer.concat(chunks).toString('utf8') });
}

describe('XmlEventWriter', () => {
  const ev = (i: number): ModinputEvent => ({ time: 1700000000 + i, data: `event ${i} ${'x'.repeat(100)}`, index: 'main' });

  test('one <stream>, the batches, one </stream>; the result is a valid stream', async () => {
    const sink = slowSink(1 << 20, 0);
    const w = new XmlEventWriter(sink);
    await w.writeEvents([ev(1), ev(2)], 'eventgen://x');
    await w.writeEncoded(encodeEventsXml([ev(3)]), 1);
    await w.writeEvents([]);
    await Promise.all([w.close(), w.close()]);
    await new Promise((r) => sink.end(r));
    const text = sink.text();
    expect(text.match(/<stream>/g)).toHaveLength(1);
    expect(text.match(/<\/stream>/g)).toHaveLength(1);
    expect(parseEventStream(text).events.map((e) => e.data)).toEqual([1, 2, 3].map((i) => ev(i).data));
    expect(w.eventsWritten).toBe(3);
    await expect(w.writeEvents([ev(4)])).rejects.toThrow(/write after close/);
  });

  test('closing without events still writes a complete, empty stream', async () => {
    const sink = slowSink(1024, 0);
    await new XmlEventWriter(sink).close();
    await new Promise((r) => sink.end(r));
    expect(sink.text()).toBe('<stream>\n</stream>\n');
  });

  test('backpressure: a batch larger than the buffer resolves only after drain', async () => {
    const sink = slowSink(256, 20);
    const w = new XmlEventWriter(sink);
    let drained = false;
    sink.on('drain', () => (drained = true));
    const batch = Array.from({ length: 50 }, (_, i) => ev(i));
    const p = w.writeEvents(batch);
    expect(sink.writableNeedDrain).toBe(true);
    await p;
    expect(drained).toBe(true);
    expect(sink.writableNeedDrain).toBe(false);
    // Concurrent callers share the wait and all resolve.
    await Promise.all([w.writeEvents(batch), w.writeEvents(batch), w.writeEvents(batch)]);
    await w.close();
    await new Promise((r) => sink.end(r));
    expect(parseEventStream(sink.text()).events).toHaveLength(200);
  });

  test('a stream error (EPIPE) rejects the pending and later writes, and is not thrown as uncaught', async () => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    const sink = slowSink(16, 5, epipe);
    const w = new XmlEventWriter(sink);
    await expect(w.writeEvents([ev(1)])).rejects.toThrow('write EPIPE');
    await expect(w.writeEvents([ev(2)])).rejects.toThrow('write EPIPE');
    expect(w.error).toBe(epipe);
    await expect(w.close()).rejects.toThrow(/EPIPE|closed/);
  });
});
