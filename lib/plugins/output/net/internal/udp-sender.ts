/**
 * Datagrams to one receiver, for udpout and syslogout over UDP. The receiver's name is looked up
 * once (dgram would otherwise do a DNS lookup per datagram); the socket is unconnected, so a
 * receiver that is down does not turn into errors — that is UDP, and the original behaved alike.
 */
import * as dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { PermanentError, RetryableError } from '../../../api';
import { describeError, errorCode } from './common';

export interface UdpOptions {
  readonly host: string;
  readonly port: number;
  readonly who: string;
}

export class UdpSender {
  #socket: Promise<{ socket: dgram.Socket; address: string }> | undefined;
  readonly where: string;

  constructor(private readonly o: UdpOptions) {
    this.where = `udp://${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;
  }

  /**
   * Sends one datagram per message. Messages too large for a datagram are skipped and reported
   * in one PermanentError after the others went out, so one oversized event does not hold back
   * its batch (and a retry would not make it fit).
   */
  async send(messages: readonly Buffer[]): Promise<void> {
    const { socket, address } = await this.#open();
    let tooBig = 0;
    let largest = 0;
    let other: Error | undefined;
    await new Promise<void>((resolve) => {
      let left = messages.length;
      if (left === 0) return resolve();
      for (const m of messages) {
        socket.send(m, this.o.port, address, (err) => {
          if (err && errorCode(err) === 'EMSGSIZE') {
            tooBig++;
            largest = Math.max(largest, m.length);
          } else if (err) other ??= err;
          if (--left === 0) resolve();
        });
      }
    });
    if (other) throw new RetryableError(`${this.o.who}: sending to ${this.where} failed: ${describeError(other)}`);
    if (tooBig > 0) {
      throw new PermanentError(`${this.o.who}: ${tooBig} of ${messages.length} event(s) were too large for a UDP datagram (largest ${largest} bytes) and were not sent; the others were`);
    }
  }

  async close(): Promise<void> {
    const s = await this.#socket?.catch(() => undefined);
    this.#socket = undefined;
    if (s) await new Promise<void>((r) => s.socket.close(() => r()));
  }

  #open(): Promise<{ socket: dgram.Socket; address: string }> {
    this.#socket ??= (async () => {
      let address = this.o.host;
      let family = isIP(address);
      if (family === 0) {
        try {
          ({ address, family } = await lookup(this.o.host));
        } catch (e) {
          this.#socket = undefined;
          throw new RetryableError(`${this.o.who}: cannot resolve ${this.o.host}: ${describeError(e)}`);
        }
      }
      const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
      // Errors that are not tied to a send (rare for an unconnected socket) must not crash the process.
      socket.on('error', () => undefined);
      return { socket, address };
    })();
    return this.#socket;
  }
}
