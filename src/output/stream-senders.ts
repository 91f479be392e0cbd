// stdout and file outputs: line protocol, one line per point, appended.
import { open, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { describeFsError } from '../errors/fs-error.js';
import type { OutputBase } from '../config/schema.js';
import type { OutputDefinition } from './definition.js';
import type { SendOutcome, Sender } from './sender.js';

export interface StdoutOutput extends OutputBase {
  type: 'stdout';
}

export interface FileOutput extends OutputBase {
  type: 'file';
  path: string;
}

/**
 * `body` and its closing newline as one buffer, encoded straight from the body. `body + '\n'`
 * made a second, flattened copy of the whole batch on the JavaScript heap before encoding it, and
 * every page V8 allocates between ticks is faulted in afresh (docs/performance.md).
 */
export function withNewline(body: string): Buffer {
  const bytes = Buffer.byteLength(body, 'utf8');
  const buf = Buffer.allocUnsafe(bytes + 1);
  buf.write(body, 0, bytes, 'utf8');
  buf[bytes] = 0x0a;
  return buf;
}

export class StdoutSender implements Sender {
  readonly target = 'stdout';
  constructor(private readonly stream: Writable = process.stdout) {}

  send(body: string): Promise<SendOutcome> {
    return new Promise((resolve) => {
      this.stream.write(withNewline(body), (err) => resolve(err ? { kind: 'other', message: `cannot write to stdout: ${err.message}` } : { kind: 'ok' }));
    });
  }

  abort(): void {}
  async close(): Promise<void> {}
}

export class FileSender implements Sender {
  readonly target: string;
  private handle: FileHandle | undefined;

  constructor(private readonly path: string) {
    this.target = `file ${path}`;
  }

  async send(body: string): Promise<SendOutcome> {
    try {
      this.handle ??= await open(this.path, 'a');
      await this.handle.write(withNewline(body));
      return { kind: 'ok' };
    } catch (err) {
      // Reopen next time: the file may have been rotated away or its disk freed.
      await this.handle?.close().catch(() => undefined);
      this.handle = undefined;
      return { kind: 'other', message: `cannot append to ${this.path}: ${describeFsError(err)}` };
    }
  }

  abort(): void {}

  async close(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }
}

// Local and fast: no disk spool; nanosecond timestamps, as line protocol has by default.
export const stdoutOutput: OutputDefinition<StdoutOutput> = {
  spec: {},
  defaults: () => ({}),
  createSender: () => new StdoutSender(),
  spoolsToDisk: false,
  precision: () => 'ns',
};

export const fileOutput: OutputDefinition<FileOutput> = {
  spec: { path: { leaf: { kind: 'file_path' }, required: 'the file to append line protocol to' } },
  defaults: () => ({ path: '' }),
  createSender: (cfg) => new FileSender(cfg.path),
  spoolsToDisk: false,
  precision: () => 'ns',
};
