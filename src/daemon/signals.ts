// Process signals: SIGTERM/SIGINT shut down once (flush, then the caller exits); a second one
// means "now": exit 1 at once, whatever is still unsent stays in the spool for the next start.
// SIGHUP reloads the configuration; reloads never run concurrently, and a SIGHUP that arrives
// while one runs queues exactly one more (the newest file is what the operator wants).
import { logger as makeLogger, type Logger } from '../log.js';

export interface SignalHandlerOptions {
  onShutdown: (signal: NodeJS.Signals) => Promise<void>;
  onReload: () => Promise<void>;
  log?: Logger;
  /** Forced exit on a second shutdown signal; process.exit unless a test replaces it. */
  exit?: (code: number) => void;
}

const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** Installs the handlers; returns a function that removes them (default signal behaviour again). */
export function installSignalHandlers(options: SignalHandlerOptions): () => void {
  const log = options.log ?? makeLogger('signals');
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let shuttingDown: NodeJS.Signals | null = null;
  let reloading = false;
  let reloadQueued = false;

  const onShutdownSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      log.error(
        `received ${signal} while shutting down (after ${shuttingDown}): exiting now without waiting; ` +
          'data not yet written stays in the spool and is sent at the next start',
      );
      exit(1);
      return;
    }
    shuttingDown = signal;
    log.info(`received ${signal}: shutting down, flushing outputs (send ${signal} again to exit at once)`);
    options.onShutdown(signal).catch((err: unknown) => {
      log.error('shutdown did not complete cleanly', { error: err instanceof Error ? err.message : String(err) });
      process.exitCode = 1;
    });
  };

  const runReloads = async (): Promise<void> => {
    reloading = true;
    try {
      do {
        reloadQueued = false;
        try {
          await options.onReload();
        } catch (err) {
          log.error('reload failed; the previous configuration stays in effect', {
            error: err instanceof Error ? err.message : String(err),
          });
        }
      } while (reloadQueued && !shuttingDown);
    } finally {
      reloading = false;
      reloadQueued = false;
    }
  };

  const onHangup = (): void => {
    if (shuttingDown) {
      log.warn('received SIGHUP while shutting down: reload ignored');
      return;
    }
    if (reloading) {
      if (!reloadQueued) log.info('received SIGHUP during a reload: reloading once more when it finishes');
      reloadQueued = true;
      return;
    }
    log.info('received SIGHUP: reloading the configuration');
    void runReloads();
  };

  const listeners = new Map<NodeJS.Signals, (signal: NodeJS.Signals) => void>();
  for (const s of SHUTDOWN_SIGNALS) listeners.set(s, onShutdownSignal);
  listeners.set('SIGHUP', onHangup);
  for (const [signal, fn] of listeners) process.on(signal, fn);
  return () => {
    for (const [signal, fn] of listeners) process.off(signal, fn);
  };
}
