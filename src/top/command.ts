// `cgflux top`: the live view on a terminal, plain rows when stdout is not one, one frame with
// --no-stream. Reads through discovery and the sampler in this process (see source.ts).
import { closeSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { configureLogging, type Logger, type LogOptions } from '../log.js';
import { buildFrame, type Frame } from './frame.js';
import { decodeKeys } from './keys.js';
import { LiveProcesses } from './live-processes.js';
import type { TopRow } from './rates.js';
import { TopSource } from './source.js';
import { Terminal } from './terminal.js';
import { initialState, reduce, type ViewState } from './view-state.js';

export interface TopOptions {
  intervalMs: number;
  /** One frame, then exit; `gapMs` between the two readings its rates need. */
  noStream: boolean;
  gapMs: number;
  filter: string;
  sortId: string;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: (s: string) => void;
  /** The logging in effect; while the live view owns the screen, log lines wait until it ends. */
  logOptions: LogOptions;
}

const HELD_LOG_LINES = 50;

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/** Set when the live view's terminal went away (see releaseDeadTerminal). */
let terminalGone = false;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs until quit; resolves the exit code (0, or 1 when dockerd cannot be reached). */
export async function runTop(config: Config, options: TopOptions): Promise<number> {
  const source = new TopSource(config, quiet);
  if (!(await source.start())) {
    options.stderr(
      `cgflux: cannot reach dockerd at ${config.docker.socket}: ${source.registry.connectionProblem() ?? 'unknown error'}; ` +
        'set docker.socket in the configuration, CGFLUX_DOCKER_SOCKET or --docker-socket to where the Docker socket is\n',
    );
    await source.close();
    return 1;
  }
  try {
    source.read();
    if (options.noStream) {
      await sleep(options.gapMs);
      const frame = buildFrame({ rows: source.read(), state: initialState(options.sortId, options.filter), width: options.stdout.isTTY ? options.stdout.columns || 80 : Infinity });
      await write(options.stdout, frame.lines.join('\n') + '\n');
      return 0;
    }
    if (!options.stdout.isTTY) return await plain(source, options);
    const processes = new LiveProcesses(config);
    // A log line written over the view would garble it: kept (the last few) and written after.
    const held: string[] = [];
    const hold = (line: string): void => {
      held.push(line);
      if (held.length > HELD_LOG_LINES) held.shift();
    };
    configureLogging({ ...options.logOptions, write: hold });
    try {
      return await live(source, processes, options);
    } finally {
      processes.close();
      configureLogging(options.logOptions);
      if (!terminalGone) for (const line of held) options.stderr(line + '\n');
    }
  } finally {
    await source.close();
    if (terminalGone) releaseDeadTerminal();
  }
}

function write(stdout: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    stdout.write(text, () => resolve());
  });
}

/**
 * Waits for whichever ends the view first. `gone` is true when the terminal or pipe went away
 * (hangup, EIO/EPIPE on write, end of input): quietly done, never a stack trace. The error
 * listener stays: a write already queued may still fail after the end.
 */
function endings(stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream | undefined, finish: (code: number, gone: boolean) => void): () => void {
  const onSignal = (): void => finish(0, false);
  const onHangup = (): void => finish(0, true);
  for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, onSignal);
  process.on('SIGHUP', onHangup);
  stdout.on('error', onHangup);
  stdin?.on('end', onHangup);
  return () => {
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.off(s, onSignal);
    process.off('SIGHUP', onHangup);
    stdin?.off('end', onHangup);
  };
}

/**
 * On exit Node restores the terminal modes it saw at start on every stdio descriptor that is still
 * the same terminal, and Node 20 aborts with a native assertion when the terminal is gone (EIO).
 * Closing those descriptors first makes it skip them: the terminal is gone, nothing to restore.
 */
function releaseDeadTerminal(): void {
  const streams = [process.stdin, process.stdout, process.stderr];
  streams.forEach((stream, fd) => {
    if (!stream.isTTY) return;
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
  });
}

function plain(source: TopSource, options: TopOptions): Promise<number> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const state = initialState(options.sortId, options.filter);
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      removeEndings();
      resolve(code);
    };
    const removeEndings = endings(options.stdout, undefined, finish);
    const frame = (): void => {
      if (done) return;
      const started = performance.now();
      const lines = buildFrame({ rows: source.read(), state, width: Infinity }).lines;
      options.stdout.write(lines.join('\n') + '\n\n');
      timer = setTimeout(frame, Math.max(0, options.intervalMs - (performance.now() - started)));
    };
    timer = setTimeout(frame, Math.min(options.intervalMs, 1000));
  });
}

function live(source: TopSource, processes: LiveProcesses, options: TopOptions): Promise<number> {
  return new Promise((resolve) => {
    const terminal = new Terminal({ stdin: options.stdin, stdout: options.stdout });
    let state: ViewState = initialState(options.sortId, options.filter);
    let rows: TopRow[] = [];
    let last: Frame | undefined;
    let note = 'reading…';
    let timer: NodeJS.Timeout | undefined;
    let done = false;

    const draw = (): void => {
      last = buildFrame({ rows, state, width: terminal.width, height: terminal.height, note, processes });
      terminal.draw(last);
    };
    const finish = (code: number, gone = false): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.stdout.off('resize', draw);
      removeEndings();
      terminal.leave(gone);
      if (gone) terminalGone = true;
      resolve(code);
    };
    const removeEndings = endings(options.stdout, options.stdin, finish);
    // The processes of the selected container are read only while its view is open.
    const readProcesses = (): void => processes.update(state.mode === 'processes' && state.selectedId ? source.container(state.selectedId) : undefined);
    const onInput = (text: string): void => {
      const mode = state.mode;
      for (const key of decodeKeys(text)) {
        state = reduce(state, key, last?.visibleIds ?? [], Math.max(1, terminal.height - 3));
        if (state.quit) return finish(0);
      }
      if (state.mode !== mode) readProcesses();
      draw();
    };
    const tick = (): void => {
      if (done) return;
      const started = performance.now();
      rows = source.read();
      note = `every ${formatInterval(options.intervalMs)}`;
      // A selection whose container left is dropped, as is its processes view.
      if (state.selectedId !== undefined && !rows.some((r) => r.id === state.selectedId) && state.mode === 'list') state = { ...state, selectedId: undefined };
      if (state.mode === 'processes') readProcesses();
      draw();
      timer = setTimeout(tick, Math.max(0, options.intervalMs - (performance.now() - started)));
    };

    terminal.enter(onInput);
    options.stdout.on('resize', draw);
    draw();
    timer = setTimeout(tick, Math.min(options.intervalMs, 1000));
  });
}

function formatInterval(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
