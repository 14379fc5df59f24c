/**
 * A real rsyslogd for the syslogout tests: a minimal rsyslog.conf in a temp dir with imudp and
 * imtcp on free ports of 127.0.0.1 and an omfile action that writes one JSON line per message
 * (input, parsed host/app/msg, and the raw message as received), run as
 * `rsyslogd -n -f <conf> -i <pidfile>` and stopped with SIGTERM.
 *
 * rsyslogd comes from Debian's `rsyslog` package (EVENTGEN_RSYSLOGD may name another binary). When
 * it is missing the tests that need it are skipped, loudly; set EVENTGEN_REQUIRE_RSYSLOG=1 (CI) to
 * make that a failure instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RsyslogMessage {
  input: string;
  host: string;
  app: string;
  pri: string;
  msg: string;
  raw: string;
}

export interface Rsyslog {
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly dir: string;
  /** Messages written so far, probes left out. */
  messages(): RsyslogMessage[];
  /** Waits until `pred` holds for the messages written so far. */
  waitFor(pred: (m: RsyslogMessage[]) => boolean, timeoutMs?: number): Promise<RsyslogMessage[]>;
  stop(): Promise<void>;
}

/** The rsyslogd binary (EVENTGEN_RSYSLOGD, else PATH and the sbin folders), or undefined when there is none. */
export function findRsyslogd(): string | undefined {
  const given = process.env.EVENTGEN_RSYSLOGD;
  if (given) return existsSync(given) ? given : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const d of dirs) {
    const p = join(d, 'rsyslogd');
    if (d && existsSync(p)) return p;
  }
  return undefined;
}

/**
 * `describe` when rsyslogd exists; otherwise `describe.skip`, after a warning nobody can miss (or a
 * failing test when EVENTGEN_REQUIRE_RSYSLOG=1).
 */
export function describeWithRsyslog(name: string, body: () => void): void {
  if (findRsyslogd()) return describe(name, body);
  const why = 'rsyslogd is not installed (Debian: apt-get install -y rsyslog)';
  if (process.env.EVENTGEN_REQUIRE_RSYSLOG === '1') {
    describe(name, () => test('rsyslogd is available', () => {
      throw new Error(`${why}, and EVENTGEN_REQUIRE_RSYSLOG=1 requires it`);
    }));
    return;
  }
  const bar = '!'.repeat(78);
  console.warn(`\n${bar}\n!! SKIPPED: "${name}"\n!! ${why}.\n!! The syslogout tests against a real rsyslog did NOT run.\n${bar}\n`);
  describe.skip(name, body);
}

export async function freeTcpPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const PROBE = 'eventgen-rsyslog-ready-probe';

function config(dir: string, out: string, udpPort: number, tcpPort: number): string {
  // One JSON object per line. %rawmsg% is the message as received (framing removed); the json
  // option escapes it. The ruleset keeps our inputs away from anything else rsyslog might do.
  const field = (name: string, prop: string): string => `\\"${name}\\":\\"%${prop}:::json%\\"`;
  const template = `{${[field('input', 'inputname'), field('host', 'hostname'), field('app', 'app-name'), field('pri', 'pri'), field('msg', 'msg'), field('raw', 'rawmsg')].join(',')}}\\n`;
  return [
    `global(workDirectory="${dir}" maxMessageSize="64k")`,
    'module(load="imudp")',
    'module(load="imtcp")',
    `template(name="evgjson" type="string" string="${template}")`,
    'ruleset(name="evg") {',
    `  action(type="omfile" file="${out}" template="evgjson" asyncWriting="off" flushOnTXEnd="on")`,
    '}',
    `input(type="imudp" address="127.0.0.1" port="${udpPort}" ruleset="evg" name="udp")`,
    `input(type="imtcp" address="127.0.0.1" port="${tcpPort}" ruleset="evg" name="tcp")`,
    '',
  ].join('\n');
}

export async function startRsyslog(): Promise<Rsyslog> {
  const bin = findRsyslogd();
  if (!bin) throw new Error('rsyslogd is not installed (Debian: apt-get install -y rsyslog)');
  const dir = mkdtempSync(join(tmpdir(), 'evg-rsyslog-'));
  const out = join(dir, 'messages.jsonl');
  const conf = join(dir, 'rsyslog.conf');
  const [udpPort, tcpPort] = [await freeUdpPort(), await freeTcpPort()];
  writeFileSync(conf, config(dir, out, udpPort, tcpPort));

  const child: ChildProcess = spawn(bin, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  let exited: number | null | undefined;
  const exit = new Promise<void>((r) => child.once('exit', (code) => ((exited = code), r())));

  const read = (): RsyslogMessage[] => {
    if (!existsSync(out)) return [];
    return readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as RsyslogMessage);
  };
  const messages = (): RsyslogMessage[] => read().filter((m) => !m.raw.includes(PROBE));

  const stop = async (): Promise<void> => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready when the TCP input accepts connections and a UDP probe comes out of the file.
  const deadline = Date.now() + 15000;
  const probe = dgram.createSocket('udp4');
  try {
    for (;;) {
      if (exited !== undefined) throw new Error(`rsyslogd exited with code ${exited} at start-up:\n${output}\nconfig:\n${readFileSync(conf, 'utf8')}`);
      if (Date.now() > deadline) throw new Error(`rsyslogd did not become ready within 15s:\n${output}`);
      const tcpUp = await new Promise<boolean>((r) => {
        const s = net.connect(tcpPort, '127.0.0.1', () => (s.destroy(), r(true)));
        s.on('error', () => r(false));
      });
      if (tcpUp) {
        await new Promise<void>((r) => probe.send(`<14>${PROBE}`, udpPort, '127.0.0.1', () => r()));
        if (read().some((m) => m.raw.includes(PROBE))) break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop();
    throw e;
  } finally {
    probe.close();
  }

  return {
    udpPort,
    tcpPort,
    dir,
    messages,
    async waitFor(pred, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const m = messages();
        if (pred(m)) return m;
        if (Date.now() > end) throw new Error(`rsyslog: condition not met within ${timeoutMs}ms; ${m.length} message(s) so far:\n${m.slice(-5).map((x) => JSON.stringify(x)).join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop,
  };
}
