// The terminal of the live view: alternate screen, hidden cursor and raw keyboard while it runs,
// all three restored however it ends (q, Ctrl-C, a signal, the terminal closing, a crash).
// Frames are drawn from the top-left over the previous one, each line cleared to its end.
import type { Frame } from './frame.js';

export interface TerminalStreams {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

const ENTER = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
const LEAVE = '\x1b[0m\x1b[?25h\x1b[?1049l';
const INVERSE = '\x1b[7m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

/** The bytes that draw `frame` over the screen. */
export function frameBytes(frame: Frame): string {
  let out = '\x1b[H';
  frame.lines.forEach((line, i) => {
    if (i > 0) out += '\r\n';
    if (i === frame.selectedLine) out += INVERSE + line + RESET;
    else if (i === frame.headerLine || i === 0) out += BOLD + line + RESET;
    else out += line;
    out += '\x1b[K';
  });
  return out + '\x1b[J';
}

export class Terminal {
  private active = false;
  private readonly restoreOnExit = (): void => this.leave();

  constructor(private readonly streams: TerminalStreams) {}

  get width(): number {
    return this.streams.stdout.columns || 80;
  }

  get height(): number {
    return this.streams.stdout.rows || 24;
  }

  enter(onInput: (text: string) => void): void {
    this.active = true;
    process.on('exit', this.restoreOnExit);
    const { stdin, stdout } = this.streams;
    // A terminal that went away fails writes with EIO; the caller hears of it through its own
    // listener, and this one keeps a late failure from being an uncaught exception.
    stdout.on('error', () => undefined);
    stdin.on('error', () => undefined);
    stdout.write(ENTER);
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', onInput);
    stdin.resume();
  }

  draw(frame: Frame): void {
    if (this.active) this.streams.stdout.write(frameBytes(frame));
  }

  /** Restores the terminal (not written to when `gone`); safe to call more than once. */
  leave(gone = false): void {
    if (!this.active) return;
    this.active = false;
    process.off('exit', this.restoreOnExit);
    const { stdin, stdout } = this.streams;
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      /* the terminal is gone */
    }
    stdin.removeAllListeners('data');
    stdin.pause();
    if (gone || !stdout.writable) return;
    try {
      stdout.write(LEAVE);
    } catch {
      /* the terminal is gone */
    }
  }
}
