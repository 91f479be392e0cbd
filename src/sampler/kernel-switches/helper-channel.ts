// The running native helper (native/switches/helper.c) and the two FIFOs it answers on.
// cgflux's tick is synchronous, so a read is a synchronous write of "r" and a synchronous read
// of the reply from a non-blocking FIFO, sleeping in short Atomics.wait steps until the `end`
// line or a deadline: the tick never waits on the event loop and never hangs on a stuck helper.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isComplete } from './protocol.js';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** A private directory for the FIFOs: the temp dir, or /dev/shm where the root is read-only without a /tmp. */
function fifoDir(): string {
  try {
    return mkdtempSync(join(tmpdir(), 'cgflux-switches-'));
  } catch {
    return mkdtempSync('/dev/shm/cgflux-switches-');
  }
}

export interface ChannelOptions {
  binary: string;
  /** How long the helper may take to load and attach its program. */
  startTimeoutMs?: number;
  /** How long one read may wait for the helper's reply. */
  replyTimeoutMs?: number;
}

export class HelperChannel {
  private lostReason?: string;
  private readonly chunk = Buffer.allocUnsafe(1 << 16);
  /** A request was sent and its reply not yet read. */
  private pending = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly cmdFd: number,
    private readonly replyFd: number,
    private readonly replyTimeoutMs: number,
  ) {
    child.once('exit', (code, signal) => this.lose(`the helper exited (${signal ?? `status ${code}`})`));
  }

  /** Starts the helper; rejects with a reason a human can act on. */
  static open(options: ChannelOptions): Promise<HelperChannel> {
    const { binary } = options;
    if (!existsSync(binary)) {
      return Promise.reject(new Error(`no helper binary at ${binary} (build it with scripts/build-native.sh)`));
    }
    let dir: string;
    try {
      dir = fifoDir();
    } catch (err) {
      return Promise.reject(new Error(`no writable directory for the helper's FIFOs: ${(err as Error).message}`));
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      let stdout = '';
      let stderr = '';
      const child = spawn(binary, [dir], { stdio: ['pipe', 'pipe', 'pipe'] });
      const fail = (reason: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        reject(new Error(reason));
      };
      const timer = setTimeout(() => fail('the helper did not attach its program in time'), options.startTimeoutMs ?? 10_000);
      child.once('error', (err) => fail(`cannot run ${binary}: ${err.message}`));
      child.once('exit', (code, signal) => {
        const said = stdout.trim().replace(/^error /, '') || stderr.trim().split('\n').pop() || '';
        fail(`the helper exited (${signal ?? `status ${code}`})${said ? `: ${said}` : ''}`);
      });
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
      child.stdout?.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (settled || !stdout.includes('\n')) return;
        if (!stdout.startsWith('ready\n')) return; // an error line: the exit handler reports it
        settled = true;
        clearTimeout(timer);
        try {
          const replyFd = openSync(join(dir, 'reply'), constants.O_RDONLY | constants.O_NONBLOCK);
          const cmdFd = openSync(join(dir, 'cmd'), constants.O_WRONLY | constants.O_NONBLOCK);
          // Both ends are open on both sides: the names are no longer needed, nothing is left behind.
          rmSync(dir, { recursive: true, force: true });
          child.removeAllListeners('exit');
          for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?(): void })?.unref?.();
          child.unref();
          resolve(new HelperChannel(child, dir, cmdFd, replyFd, options.replyTimeoutMs ?? 1_000));
        } catch (err) {
          settled = false;
          fail(`cannot open the helper's FIFOs: ${(err as Error).message}`);
        }
      });
    });
  }

  /** Why the helper stopped answering, once it did. */
  get lost(): string | undefined {
    return this.lostReason;
  }

  /**
   * Asks for a snapshot now, to be taken by the next read(): the helper answers while the caller
   * does other work, so that read() finds the reply there instead of polling for it. A reply asked
   * for earlier and never read is taken and dropped first (it would be stale).
   */
  request(): void {
    if (this.pending) this.read();
    this.send('r\n');
    this.pending = true;
  }

  /** One whole reply to "r" (the one request() asked for, if any); throws (and the channel is lost) when the helper does not give one. */
  read(): string {
    if (!this.pending) this.send('r\n');
    this.pending = false;
    const deadline = performance.now() + this.replyTimeoutMs;
    // Polls start short (a reply takes tens of µs) and back off to 1 ms: few wake-ups, little wait.
    let pollMs = 0.05;
    const parts: string[] = [];
    let text = '';
    for (;;) {
      if (this.lostReason) throw new Error(this.lostReason);
      let n: number;
      try {
        n = readSync(this.replyFd, this.chunk, 0, this.chunk.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw this.fail(`reading the helper's reply failed: ${(err as Error).message}`);
        if (performance.now() > deadline) throw this.fail('the helper did not answer in time');
        Atomics.wait(sleeper, 0, 0, pollMs);
        pollMs = Math.min(1, pollMs * 2);
        continue;
      }
      if (n === 0) throw this.fail('the helper closed its reply FIFO');
      parts.push(this.chunk.toString('latin1', 0, n));
      text = parts.length === 1 ? parts[0] : parts.join('');
      if (isComplete(text)) return text;
      if (parts.length > 1) parts.splice(0, parts.length, text);
    }
  }

  /** Writes a command line; a failure loses the channel. */
  send(line: string): void {
    if (this.lostReason) throw new Error(this.lostReason);
    try {
      writeSync(this.cmdFd, line);
    } catch (err) {
      throw this.fail(`writing to the helper failed: ${(err as Error).message}`);
    }
  }

  /** Pid of the helper process (tests stop it to check the fallback). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  close(): void {
    this.lose('closed');
  }

  private fail(reason: string): Error {
    this.lose(reason);
    return new Error(reason);
  }

  private lose(reason: string): void {
    if (this.lostReason) return;
    this.lostReason = reason;
    this.child.stdin?.end();
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    for (const fd of [this.cmdFd, this.replyFd]) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
