// A real terminal for tests: a private tmux server (its own socket, so nothing is shared with a
// person's tmux or another test), one pane of a fixed size running a plain shell. Tests type into
// it and read the screen as a person sees it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { waitFor } from './docker.js';

const run = promisify(execFile);

export class TmuxPane {
  private constructor(private readonly socket: string) {}

  static async start(width: number, height: number): Promise<TmuxPane> {
    const pane = new TmuxPane(`cgflux-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    // A plain shell with a known prompt, so that "the shell answers" can be seen on the screen.
    await pane.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 't', '-c', process.cwd(), '-x', String(width), '-y', String(height), 'env', 'PS1=READY$ ', 'TERM=xterm-256color', 'sh');
    await pane.tmux('set-option', '-g', 'status', 'off');
    return pane;
  }

  async tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.socket, ...args]);
    return stdout;
  }

  /** Types `text` literally (no key names), then Enter when asked. */
  async type(text: string, enter = false): Promise<void> {
    await this.tmux('send-keys', '-t', 't', '-l', text);
    if (enter) await this.tmux('send-keys', '-t', 't', 'Enter');
  }

  /** Sends tmux key names (`Down`, `Enter`, `C-c`, `Escape`). */
  async keys(...names: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', 't', ...names);
  }

  /** The visible screen, one string per row. */
  async screen(): Promise<string[]> {
    return (await this.tmux('capture-pane', '-p', '-t', 't')).split('\n');
  }

  async waitForScreen(what: string, timeoutMs: number, test: (lines: string[]) => boolean): Promise<string[]> {
    let last: string[] = [];
    try {
      return await waitFor(what, timeoutMs, async () => {
        last = await this.screen();
        return test(last) ? last : undefined;
      });
    } catch (err) {
      throw new Error(`${(err as Error).message}; the screen was:\n${last.join('\n')}`);
    }
  }

  /** tmux's format variables of the pane (`cursor_flag`, `alternate_on`, `pane_width` …). */
  async display(format: string): Promise<string> {
    return (await this.tmux('display-message', '-p', '-t', 't', format)).trim();
  }

  async resize(width: number, height: number): Promise<void> {
    await this.tmux('resize-window', '-t', 't', '-x', String(width), '-y', String(height));
  }

  async close(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
  }
}
