/**
 * The settings schema: every eventgen.conf setting the engine and the built-in plugins
 * understand, declared once. Coercion, validation, `[global]` inheritance, `eventgen
 * validate` and README/eventgen.conf.spec are all derived from this table; third-party
 * plugins append their own definitions through their manifest.
 *
 * Defaults are what the original actually applied (its default/eventgen.conf), except where
 * docs/COMPATIBILITY.md records a deliberate difference.
 */
import type { SettingDef, SettingValue } from './types';

const G = {
  engine: 'Engine (read from [global] only)',
  select: 'Sample selection',
  gen: 'Generation',
  time: 'Time',
  rate: 'Rating',
  meta: 'Event metadata',
  out: 'Output',
  file: 'Output: file',
  spool: 'Output: spool',
  hec: 'Output: httpevent / metric_httpevent (Splunk HEC)',
  splunk: 'Output: splunkstream',
  syslog: 'Output: syslogout',
  tcp: 'Output: tcpout / udpout',
  legacy: 'Accepted for compatibility, no effect',
  jinja: 'Generator: jinja',
  counter: 'Generator: counter',
} as const;

const rateJson = (what: string, keys: string): ((v: SettingValue) => string | undefined) => (v) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return `must be a JSON object mapping ${what} (${keys}) to a number`;
  for (const [k, n] of Object.entries(v as Record<string, unknown>)) {
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return `the rate for ${JSON.stringify(k)} must be a non-negative number, not ${JSON.stringify(n)}`;
  }
  return undefined;
};

function s(name: string, type: SettingDef['type'], dflt: SettingValue | undefined, group: string, doc: string, extra: Partial<SettingDef> = {}): SettingDef {
  return { name, type, default: dflt, inherit: true, group, doc, ...extra };
}
function engine(name: string, type: SettingDef['type'], dflt: SettingValue | undefined, doc: string, extra: Partial<SettingDef> = {}): SettingDef {
  return { name, type, default: dflt, inherit: false, group: G.engine, doc, ...extra };
}
function legacy(name: string, why: string): SettingDef {
  return { name, type: 'string', default: undefined, inherit: true, group: G.legacy, doc: why, noEffect: why };
}

export const CORE_SETTINGS: readonly SettingDef[] = [
  // ── Engine ────────────────────────────────────────────────────────────────
  engine('generatorWorkers', 'int', 0, 'Generator worker threads; 0 means one per CPU core. Output is identical whatever the number.', { min: 0, max: 256 }),
  engine('outputWorkers', 'int', 1, 'Batches in flight at once per output. httpevent and metric_httpevent use it (several HEC requests at a time); stream and file outputs send one batch at a time to keep their order.', { min: 1, max: 64 }),
  engine('seed', 'int', undefined, 'Seed for all randomness; with a fixed clock the same config gives byte-identical output.'),
  engine('threading', 'enum', 'thread', 'Original engine mode; generators always run on worker threads here.', { values: ['thread', 'process'], noEffect: 'generators always run on worker threads' }),
  engine('useOutputQueue', 'bool', false, 'Original output queue switch; every output here goes through the output runner.', { noEffect: 'every output goes through the output runner' }),
  engine('profiler', 'bool', false, 'Original cProfile switch.', { noEffect: 'use node --cpu-prof instead' }),
  engine('disableLoggingQueue', 'bool', true, 'Original multiprocess logging switch.', { noEffect: 'logging is per process' }),
  engine('outputCounter', 'bool', false, 'Original throughput counter; metrics are always collected here.', { noEffect: 'metrics are always collected' }),
  engine('debug', 'bool', false, 'Original debug switch; use -v on the command line.', { noEffect: 'use -v' }),
  engine('verbosity', 'string', undefined, 'Original verbosity setting; use -v on the command line.', { noEffect: 'use -v' }),
  engine('autotimestamps', 'json', undefined, 'JSON list of [regex, strptime format] pairs tried when autotimestamp = true.'),

  // ── Sample selection ─────────────────────────────────────────────────────
  s('disabled', 'bool', false, G.select, 'Skip this stanza.'),
  s('sampleDir', 'path', undefined, G.select, 'Folder holding the sample files; relative paths resolve against the config file\'s folder. Default: the app\'s samples/.'),
  s('sampletype', 'enum', 'raw', G.select, 'raw: events split by breaker; csv: a Splunk CSV export with _raw and metadata columns.', { values: ['raw', 'csv'] }),
  s('breaker', 'regex', '[^\\r\\n\\s]+', G.select, 'Regex that starts each event in a raw sample; the default means one event per line.'),
  s('mode', 'enum', 'sample', G.select, 'sample: pick events and replace tokens; replay: replay the sample with its original time gaps.', { values: ['sample', 'replay'] }),
  s('generator', 'string', 'default', G.select, 'Generator plugin name (default, replay, perdayvolumegenerator, windbag, counter, jinja or a plugin).'),
  s('rater', 'string', 'config', G.select, 'Rater plugin name (config, perdayvolume, counter or a plugin).'),
  s('outputMode', 'string', 'modinput', G.select, 'Output plugin name (modinput, stdout, file, spool, devnull, httpevent, syslogout, tcpout, udpout, splunkstream or a plugin).'),
  s('blacklist', 'regex', undefined, G.select, 'Sample file names matching this regex are never selected.'),

  // ── Generation ───────────────────────────────────────────────────────────
  s('count', 'int', -1, G.gen, 'Events per interval before rating; -1 generates the whole sample once; 0 generates nothing.', { min: -1 }),
  s('interval', 'int', 60, G.gen, 'Seconds between generations; in replay mode, the pause between two passes over the sample.', { min: 0, belowMin: 'treated as 0 (no pause between runs), as the original ran it' }),
  s('delay', 'float', 0, G.gen, 'Seconds to wait before the first generation.', { min: 0 }),
  s('end', 'string', undefined, G.gen, 'Stop after N intervals (-1 or unset: never; 0: no generation) or at a time (+1h, ISO 8601, epoch).'),
  s('randomizeEvents', 'bool', false, G.gen, 'Draw events at random (with replacement) instead of in order.'),
  s('randomizeCount', 'float', undefined, G.gen, 'Randomise the count by up to ± half this fraction (0.2 → ±10%).', { min: 0, max: 2 }),
  s('bundlelines', 'bool', false, G.gen, 'Treat the whole sample as one event, repeated count times.'),
  s('splitSample', 'int', 0, G.gen, 'Split each interval\'s count into N jobs (1 = one per generator worker).', { min: 0 }),
  s('maxQueueLength', 'int', 0, G.gen, 'Events per output batch; 0 uses the output\'s own batch size.', { min: 0 }),
  s('timeMultiple', 'float', 1, G.gen, 'Replay: multiply the gaps between events by this factor (0.5 = twice as fast).', { check: (v) => (typeof v === 'number' && v > 0 ? undefined : 'must be greater than 0') }),
  s('timeField', 'string', '_raw', G.gen, 'Replay: field holding each event\'s original time (a CSV column such as _time).'),
  s('perDayVolume', 'float', undefined, G.gen, 'Daily volume in GB; spreads that many bytes over the intervals (sets generator and rater to perdayvolume).', { min: 0 }),
  s('autotimestamp', 'bool', false, G.gen, 'Detect timestamps in the sample with the autotimestamps patterns and add timestamp tokens for them.'),
  s('extendIndexes', 'string', undefined, G.meta, 'Extra target indexes: "prefix:N, idx2, idx3"; each batch goes to one of them at random.'),

  // ── Time ─────────────────────────────────────────────────────────────────
  s('earliest', 'timestr', 'now', G.time, 'Start of the window for generated timestamps, in Splunk relative-time syntax (-15m@m, now, @d).'),
  s('latest', 'timestr', 'now', G.time, 'End of the window for generated timestamps.'),
  s('backfill', 'timestr', undefined, G.time, 'Generate the history from this time (e.g. -2h) up to now at once, then continue live.'),
  s('timezone', 'string', 'local', G.time, 'Time zone of generated times: local, or an offset such as -0100 or +0530.', {
    check: (v) => (v === 'local' || /^[+-]\d{4}$/.test(String(v)) ? undefined : 'must be "local" or an offset such as -0100'),
  }),
  s('sequentialTimestamp', 'bool', false, G.time, 'Spread timestamps evenly over [earliest, latest] instead of at random.'),
  legacy('backfillSearch', 'Backfill narrowing through a Splunk search (dead code in the original).'),
  legacy('backfillSearchUrl', 'Backfill narrowing through a Splunk search (dead code in the original).'),

  // ── Rating ───────────────────────────────────────────────────────────────
  s('hourOfDayRate', 'json', undefined, G.rate, 'JSON {"0": rate, …, "23": rate}: count multiplier by hour of day.', { check: rateJson('hours', '"0"–"23"') }),
  s('dayOfWeekRate', 'json', undefined, G.rate, 'JSON {"0": rate, …, "6": rate}: count multiplier by weekday, 0 = Sunday.', { check: rateJson('weekdays', '"0"–"6", 0 = Sunday') }),
  s('minuteOfHourRate', 'json', undefined, G.rate, 'JSON {"0": rate, …, "59": rate}: count multiplier by minute of the hour.', { check: rateJson('minutes', '"0"–"59"') }),
  s('dayOfMonthRate', 'json', undefined, G.rate, 'JSON {"1": rate, …, "31": rate}: count multiplier by day of month.', { check: rateJson('days', '"1"–"31"') }),
  s('monthOfYearRate', 'json', undefined, G.rate, 'JSON {"1": rate, …, "12": rate}: count multiplier by month.', { check: rateJson('months', '"1"–"12"') }),

  // ── Event metadata ───────────────────────────────────────────────────────
  s('index', 'string', 'main', G.meta, 'Splunk index of the events.'),
  s('host', 'string', '127.0.0.1', G.meta, 'Host field of the events.'),
  s('source', 'string', undefined, G.meta, 'Source field; default: the sample file name.'),
  s('sourcetype', 'string', 'eventgen', G.meta, 'Sourcetype field.'),
  s('hostRegex', 'string', undefined, G.meta, 'Regex passed to receivers that extract the host from the event (splunkstream host_regex).'),

  // ── Outputs ──────────────────────────────────────────────────────────────
  s('fileName', 'path', undefined, G.file, 'File to write; $VARS expand and relative paths resolve against the working directory.'),
  s('fileMaxBytes', 'int', 10485760, G.file, 'Rotate the file before it grows past this many bytes; 0 never rotates.', { min: 0 }),
  s('fileBackupFiles', 'int', 5, G.file, 'Rotated files to keep (fileName.1 … fileName.N).', { min: 0 }),
  s('spoolDir', 'path', '$SPLUNK_HOME/var/spool/splunk', G.spool, 'Folder the spool output writes into (Splunk indexes what lands there).'),
  s('spoolFile', 'string', '<SAMPLE>', G.spool, 'File name in spoolDir; <SAMPLE> means the sample file name.'),

  s('httpeventServers', 'json', undefined, G.hec, 'JSON {"servers":[{"protocol":"https","address":"…","port":"8088","key":"<token>"}]}.'),
  s('httpeventOutputMode', 'enum', 'roundrobin', G.hec, 'roundrobin: each batch to the next live server; mirror: every batch to every server.', { values: ['roundrobin', 'mirror'] }),
  s('httpeventMaxPayloadSize', 'int', 10000, G.hec, 'Largest HEC request body in bytes.', { min: 1 }),
  s('httpeventWaitResponse', 'bool', true, G.hec, 'Wait for each HEC response before counting the batch delivered.'),
  s('httpeventAllowFailureCount', 'int', 100, G.hec, 'Consecutive failures after which a HEC server is taken out of rotation for a while.', { min: 1 }),
  s('splunkHost', 'string', undefined, G.splunk, 'splunkd host for splunkstream.'),
  s('splunkPort', 'int', 8089, G.splunk, 'splunkd management port.', { min: 1, max: 65535 }),
  s('splunkMethod', 'enum', 'https', G.splunk, 'http or https.', { values: ['http', 'https'] }),
  s('splunkUser', 'string', undefined, G.splunk, 'User for the splunkstream login.'),
  s('splunkPass', 'string', undefined, G.splunk, 'Password for the splunkstream login.'),
  s('sessionKey', 'string', undefined, G.splunk, 'Session key to use instead of a login.'),
  s('syslogDestinationHost', 'string', '127.0.0.1', G.syslog, 'Syslog receiver host.'),
  s('syslogDestinationPort', 'int', 1514, G.syslog, 'Syslog receiver port.', { min: 1, max: 65535 }),
  s('syslogAddHeader', 'bool', false, G.syslog, 'Prefix each message with a timestamp and the host.'),
  s('tcpDestinationHost', 'string', '127.0.0.1', G.tcp, 'tcpout receiver host.'),
  s('tcpDestinationPort', 'int', 3333, G.tcp, 'tcpout receiver port.', { min: 1, max: 65535 }),
  s('udpDestinationHost', 'string', '127.0.0.1', G.tcp, 'udpout receiver host.'),
  s('udpDestinationPort', 'int', 3333, G.tcp, 'udpout receiver port.', { min: 1, max: 65535 }),

  // ── Generators ───────────────────────────────────────────────────────────
  s('jinja_template_dir', 'path', 'templates', G.jinja, 'Folder of the templates; relative to sampleDir.'),
  s('jinja_target_template', 'string', undefined, G.jinja, 'Root template file name.'),
  s('jinja_variables', 'json', undefined, G.jinja, 'JSON object of variables passed to the template.'),
  s('jinja_count_type', 'enum', 'cycles', G.jinja, 'What count counts: cycles, perDayVolume or line_count.', { values: ['cycles', 'perDayVolume', 'line_count'] }),
  s('count_template', 'string', undefined, G.counter, 'Format of the counter generator\'s events.'),
  s('start_count', 'float', 0, G.counter, 'Counter start value.'),
  s('end_count', 'float', 0, G.counter, 'Counter end value; 0 means count.'),
  s('count_by', 'float', 1, G.counter, 'Counter step.'),

  // ── Legacy, accepted and ignored ─────────────────────────────────────────
  legacy('maxIntervalsBeforeFlush', 'Never used by the original.'),
  legacy('projectID', 'Splunk Storm output (service retired).'),
  legacy('accessToken', 'Splunk Storm output (service retired).'),
  legacy('awsS3BucketName', 'awss3 output (not shipped).'),
  legacy('awsS3CompressionType', 'awss3 output (not shipped).'),
  legacy('awsS3EventType', 'awss3 output (not shipped).'),
  legacy('awsS3ObjectPrefix', 'awss3 output (not shipped).'),
  legacy('awsS3ObjectSuffix', 'awss3 output (not shipped).'),
  legacy('awsRegion', 'awss3 output (not shipped).'),
  legacy('awsKeyId', 'awss3 output (not shipped).'),
  legacy('awsSecretKey', 'awss3 output (not shipped).'),
  legacy('awsS3EventPerKey', 'awss3 output (not shipped).'),
  legacy('scsEndPoint', 'scsout output (service retired).'),
  legacy('scsAccessToken', 'scsout output (service retired).'),
  legacy('scsClientId', 'scsout output (service retired).'),
  legacy('scsClientSecret', 'scsout output (service retired).'),
  legacy('scsRetryNum', 'scsout output (service retired).'),
];

/** Token settings are families rather than fixed names. */
export const TOKEN_SETTING = /^token\.(\d+)\.(token|replacementType|replacement)$/;
export const HOST_TOKEN_SETTING = /^host\.(token|replacement)$/;
export const REPLACEMENT_TYPES = ['static', 'timestamp', 'replaytimestamp', 'random', 'rated', 'file', 'mvfile', 'seqfile', 'integerid'] as const;
export type ReplacementType = (typeof REPLACEMENT_TYPES)[number];

/** Keys Splunk's REST layer adds to every stanza; never user settings. */
export const SPLUNK_METADATA_KEY = /^eai:/;
