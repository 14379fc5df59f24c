/**
 * Syslog message formats and TCP framing.
 *
 * RFC 3164 is what the original sent (Python's SysLogHandler): `<PRI>` + message, and with
 * syslogAddHeader `<PRI>Mmm dd HH:MM:SS host message`, the date in local time with a zero-padded
 * day as Python's `%b %d` gives it. RFC 5424 always has its header:
 * `<PRI>1 2024-11-27T20:00:00.123Z host app - - - message`.
 * Over TCP, RFC 6587 octet counting (`<length> <message>`) lets messages contain newlines;
 * newline framing is the older convention many receivers also accept.
 */

export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;
export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type Facility = (typeof FACILITIES)[number];
export type Severity = (typeof SEVERITIES)[number];
export type SyslogProtocol = 'rfc3164' | 'rfc5424';
export type Framing = 'octet-counting' | 'newline';

export interface SyslogFormat {
  readonly protocol: SyslogProtocol;
  readonly facility: Facility;
  readonly severity: Severity;
  /** RFC 3164 only: add the timestamp/host header (RFC 5424 always has one). */
  readonly addHeader: boolean;
  /** RFC 5424 APP-NAME. */
  readonly appName: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

export function priority(f: Facility, s: Severity): number {
  return FACILITIES.indexOf(f) * 8 + SEVERITIES.indexOf(s);
}

/** `Nov 05 20:00:00` in local time, as Python's `%b %d %H:%M:%S`. */
export function bsdTimestamp(epochSecs: number): string {
  const d = new Date(Math.floor(epochSecs) * 1000);
  return `${MONTHS[d.getMonth()]} ${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** RFC 5424 header fields are printable US-ASCII without spaces, or `-` when empty. */
function headerField(v: string, max: number): string {
  const clean = v.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean || '-';
}

/**
 * Builds messages one event at a time, caching what repeats: the priority prefix always, the
 * timestamp within a second, the cleaned host while it does not change.
 */
export class SyslogFormatter {
  readonly #pri: string;
  #lastSecond = NaN;
  #lastStamp = '';
  #lastHost: string | undefined;
  #lastHostField = '';
  readonly #app: string;

  constructor(private readonly f: SyslogFormat) {
    this.#pri = `<${priority(f.facility, f.severity)}>`;
    this.#app = headerField(f.appName, 48);
  }

  /** The message for one event: `raw` without trailing whitespace, behind the header. */
  format(raw: string, time: number, host: string): string {
    const msg = raw.trimEnd();
    if (this.f.protocol === 'rfc5424') {
      return `${this.#pri}1 ${this.#stamp5424(time)} ${this.#host(host, 255)} ${this.#app} - - - ${msg}`;
    }
    if (!this.f.addHeader) return this.#pri + msg;
    return `${this.#pri}${this.#stamp3164(time)} ${this.#host(host, 255)} ${msg}`;
  }

  #host(host: string, max: number): string {
    if (host !== this.#lastHost) {
      this.#lastHost = host;
      this.#lastHostField = headerField(host, max);
    }
    return this.#lastHostField;
  }

  #stamp3164(time: number): string {
    const t = Number.isFinite(time) ? time : Date.now() / 1000;
    const sec = Math.floor(t);
    if (sec !== this.#lastSecond) {
      this.#lastSecond = sec;
      this.#lastStamp = bsdTimestamp(sec);
    }
    return this.#lastStamp;
  }

  #stamp5424(time: number): string {
    // Millisecond precision changes per event, so there is nothing worth caching here.
    return Number.isFinite(time) ? new Date(Math.round(time * 1000)).toISOString() : '-';
  }
}

/** One message as it goes on a TCP stream. */
export function frame(message: string, framing: Framing): string {
  return framing === 'newline' ? `${message}\n` : `${Buffer.byteLength(message)} ${message}`;
}
