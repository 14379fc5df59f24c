/**
 * One persistent TCP (or TLS) connection to a receiver, opened on first use and again after it
 * breaks. tcpout and syslogout over TCP/TLS write whole batches through it.
 *
 * Plain TCP has no acknowledgement: a write is "done" once the kernel has it. So a broken
 * connection is noticed as early as possible (we read from the socket, which is how a peer's close
 * becomes visible), and any write that fails makes send() throw a RetryableError so the runner
 * sends the batch again on a new connection. Data the kernel accepted just before the peer died can
 * still be lost; only an application-level acknowledgement (HEC with acks) closes that gap.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { PermanentError, type PluginLogger } from '../../../api';
import { codedError, describeError, networkFailure, serverNameFor, type TlsSettings } from './common';

export interface StreamOptions {
  readonly host: string;
  readonly port: number;
  /** Present for TLS. */
  readonly tls?: TlsSettings;
  /** Connect and write timeout. */
  readonly timeoutMs: number;
  /** `tcpout [stanza]`, for messages. */
  readonly who: string;
  readonly log: PluginLogger;
}

export class StreamConnection {
  #socket: net.Socket | undefined;
  #connecting: Promise<net.Socket> | undefined;
  #closed = false;
  readonly where: string;

  constructor(private readonly o: StreamOptions) {
    this.where = `${o.tls ? 'tls' : 'tcp'}://${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;
  }

  /** Writes `data`; resolves once the kernel has taken all of it. */
  async write(data: string | Buffer): Promise<void> {
    const socket = await this.#connected();
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: Error | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('close', onClose);
        if (err) reject(this.#lost(err));
        else resolve();
      };
      // A write cut off by destroy() may call back without an error, so a close before the
      // callback, and our own timeout, settle the write as failed first.
      const onClose = (): void => finish(codedError('ECONNRESET', 'the connection closed before the batch was written'));
      const timer = setTimeout(() => {
        const e = codedError('ETIMEDOUT', `write not accepted within ${this.o.timeoutMs / 1000}s (receiver not reading)`);
        finish(e);
        socket.destroy(e);
      }, this.o.timeoutMs);
      socket.once('close', onClose);
      socket.write(data, (err) => finish(err));
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const s = this.#socket ?? (await this.#connecting?.catch(() => undefined));
    this.#socket = undefined;
    if (!s || s.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => s.destroy(), this.o.timeoutMs);
      s.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      s.end();
    });
  }

  #lost(err: Error): Error {
    return networkFailure(this.o.who, this.where, err, this.o.tls, `connection to ${this.where} lost`);
  }

  async #connected(): Promise<net.Socket> {
    if (this.#closed) throw new PermanentError(`${this.o.who}: send() after close()`);
    const s = this.#socket;
    if (s && !s.destroyed && s.writable) return s;
    this.#socket = undefined;
    this.#connecting ??= this.#connect().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  #connect(): Promise<net.Socket> {
    const { host, port, timeoutMs } = this.o;
    return new Promise((resolve, reject) => {
      const t = this.o.tls;
      const socket = t
        ? tls.connect({ host, port, rejectUnauthorized: t.rejectUnauthorized, ca: t.ca, servername: serverNameFor(host) })
        : net.connect({ host, port });
      const ready = t ? 'secureConnect' : 'connect';
      const timer = setTimeout(() => socket.destroy(codedError('ETIMEDOUT', `no connection within ${timeoutMs / 1000}s`)), timeoutMs);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        reject(networkFailure(this.o.who, this.where, err, t, `cannot connect to ${this.where}`));
      };
      socket.once('error', fail);
      socket.once(ready, () => {
        clearTimeout(timer);
        socket.off('error', fail);
        socket.setKeepAlive(true, 30_000);
        socket.setNoDelay(true);
        // Receivers send nothing; reading anyway is what makes a peer's close visible ('end').
        socket.on('data', () => undefined);
        socket.on('end', () => this.#forget(socket, 'the receiver closed the connection'));
        socket.on('error', (err) => this.#forget(socket, describeError(err)));
        socket.on('close', () => this.#forget(socket, 'closed'));
        this.#socket = socket;
        this.o.log.debug(`${this.o.who}: connected to ${this.where}`);
        resolve(socket);
      });
    });
  }

  #forget(socket: net.Socket, why: string): void {
    if (this.#socket !== socket) return;
    this.#socket = undefined;
    if (!this.#closed) this.o.log.info(`${this.o.who}: connection to ${this.where} ended (${why}); the next batch reconnects`);
    socket.destroy();
  }
}
