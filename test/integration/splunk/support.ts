/**
 * A temporary Splunk installation for the modular-input tests: `$SPLUNK_HOME/etc/apps` with our
 * app (its real default/ and metadata/ files) and test apps built from test/fixtures/splunk-apps,
 * the splunkd REST stand-in over it, and helpers to run `bin/eventgen.sh` as splunkd does.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildInputXml, runModularInput, startSplunkdRest, type InputXmlSpec, type ModularInputRun, type RunResult,
  type SplunkdRestHandle, type StderrLine, type StreamEvent,
} from '../../stand-ins/splunkd';

export const REPO = join(__dirname, '..', '..', '..');
export const SCRIPT = join(REPO, 'bin', 'eventgen.sh');
export const FIXTURE_APPS = join(REPO, 'test', 'fixtures', 'splunk-apps');
/** A session key with characters that need escaping, as real ones have. */
export const KEY = 'Xq9^session&key<5f0e>_A1b2C3d4E5f6G7h8I9j0';

export interface SplunkHome {
  home: string;
  apps: string;
  rest: SplunkdRestHandle;
  /** A fresh checkpoint folder. */
  checkpointDir(name: string): string;
  close(): Promise<void>;
}

/**
 * Builds a Splunk home with our app `eventgen` (repo default/, metadata/, README/) and the named
 * fixture apps, plus a `lib/libstdc++.so.6` that breaks any Node started with splunkd's
 * LD_LIBRARY_PATH: every run through bin/eventgen.sh proves the wrapper clears it.
 */
export async function makeSplunkHome(fixtureApps: string[], opts: { tls?: boolean } = {}): Promise<SplunkHome> {
  const home = mkdtempSync(join(tmpdir(), 'eventgen-splunk-'));
  const apps = join(home, 'etc', 'apps');
  mkdirSync(apps, { recursive: true });
  const own = join(apps, 'eventgen');
  for (const dir of ['default', 'metadata', 'README']) cpSync(join(REPO, dir), join(own, dir), { recursive: true });
  for (const app of fixtureApps) cpSync(join(FIXTURE_APPS, app), join(apps, app), { recursive: true });
  mkdirSync(join(home, 'lib'), { recursive: true });
  writeFileSync(join(home, 'lib', 'libstdc++.so.6'), 'not a library: proves LD_LIBRARY_PATH was cleared');
  mkdirSync(join(home, 'var', 'log', 'splunk'), { recursive: true });
  const rest = await startSplunkdRest({ appsDir: apps, sessionKey: KEY, tls: opts.tls ?? true });
  let n = 0;
  return {
    home,
    apps,
    rest,
    checkpointDir: (name) => join(home, 'var', 'lib', 'splunk', 'modinputs', 'eventgen', `${name}-${n++}`),
    close: async () => {
      await rest.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface StanzaSpec {
  name?: string;
  params?: Record<string, string>;
}

/** The `<input>` document splunkd would send for one stanza (captured print-modinput-config shape). */
export function inputXml(h: SplunkHome, checkpointDir: string, stanza: StanzaSpec = {}, encoding: 'utf-8' | 'utf-16le' = 'utf-8', serverUri = h.rest.uri): Buffer {
  const spec: InputXmlSpec = {
    serverHost: 'sh1',
    serverUri,
    sessionKey: KEY,
    checkpointDir,
    stanzas: [{
      name: stanza.name ?? 'eventgen://default',
      app: 'eventgen',
      params: { disabled: '0', host: '$decideOnStartup', index: 'default', interval: '0', start_by_shell: 'false', verbosity: 'INFO', ...stanza.params },
    }],
  };
  return buildInputXml(spec, encoding);
}

/** Environment for the script: fast metrics, short REST timeouts (the tests' own knobs). */
export const FAST_ENV: Record<string, string> = {
  EVENTGEN_METRICS_INTERVAL_MS: '400',
  EVENTGEN_REST_TIMEOUT_MS: '800',
};

export function start(h: SplunkHome, xml: Buffer | string, env: Record<string, string | undefined> = {}): ModularInputRun {
  return runModularInput({ script: SCRIPT, splunkHome: h.home, inputXml: xml, env: { ...FAST_ENV, ...env } });
}

/** Resolves once `pred` holds for the events so far; rejects on exit or timeout, with stderr. */
export function waitFor(run: ModularInputRun, pred: (events: StreamEvent[]) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    let exited = false;
    void run.exited.then(() => {
      exited = true;
    });
    const tick = () => {
      if (pred(run.events)) return resolve();
      if (exited || Date.now() - t0 > timeoutMs) {
        return reject(new Error(`${what}: not seen after ${Date.now() - t0} ms (${exited ? 'process exited' : 'timeout'}); ${run.events.length} events; stderr:\n${logText(run.logs)}`));
      }
      setTimeout(tick, 50);
    };
    tick();
  });
}

/** Resolves once a stderr line matches. */
export function waitForLog(run: ModularInputRun, re: RegExp, timeoutMs = 15_000): Promise<StderrLine> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      const l = run.logs.find((x) => re.test(x.text));
      if (l) return resolve(l);
      if (Date.now() - t0 > timeoutMs) return reject(new Error(`no stderr line matching ${re} after ${timeoutMs} ms; stderr:\n${logText(run.logs)}`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

export function logText(logs: readonly StderrLine[]): string {
  return logs.map((l) => `${l.level} ${l.text}`).join('\n');
}

/** SIGTERM, and how long the process took to exit. */
export async function stopTimed(run: ModularInputRun): Promise<{ result: RunResult; ms: number }> {
  const t0 = Date.now();
  const result = await run.stop(6000);
  return { result, ms: Date.now() - t0 };
}

/** Every file under `dir` (recursively), with its text. */
export function readTree(dir: string): Array<{ file: string; text: string }> {
  if (!existsSync(dir)) return [];
  const out: Array<{ file: string; text: string }> = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...readTree(p));
    else out.push({ file: p, text: readFileSync(p, 'utf8') });
  }
  return out;
}

export const byIndex = (events: readonly StreamEvent[], index: string): StreamEvent[] => events.filter((e) => e.index === index);
