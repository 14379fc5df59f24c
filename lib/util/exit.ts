/**
 * Forced exits (a third Ctrl-C, the modular input's hard exit, a flush that never ends).
 *
 * process.exit() waits for libuv's pool threads, and one of them may be blocked writing events to
 * a pipe whose reader has stopped reading (StdoutSink writes from the pool). Then the process
 * ends by a signal with its default action instead, which nothing can hold up; its parent sees
 * "killed by SIGTERM" (or SIGINT) rather than the exit code.
 */
import { directWriteInFlight } from '../output/stdout-sink';

export function exitNow(code: number, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (!directWriteInFlight()) process.exit(code);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}
