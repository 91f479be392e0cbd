// `cgflux --once`: one sample of every running container, written to the configured outputs
// (stdout when none is configured) and delivered before exiting. Percentages need two reads:
// the first primes the baselines, the second, `gapMs` later, is the one written.
import type { Config } from '../config/schema.js';
import { defaultOutput } from '../config/outputs.js';
import { logger, type Logger } from '../log.js';
import { Pipeline } from './pipeline.js';
import { procRootProblem } from './proc-root-check.js';

/**
 * Holds discovery's log lines until the first list is done: when dockerd cannot be reached they
 * would say "retrying in the background", which a one-shot command does not do, next to its own
 * one-line error. When it can, they are written as usual.
 */
function heldDiscoveryLog(base: Logger): { log: Logger; release(): void; discard(): void } {
  let held: (() => void)[] | undefined = [];
  const holding = (target: Logger): Logger => {
    const at = (level: 'debug' | 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) => {
      if (held) held.push(() => target[level](msg, fields));
      else target[level](msg, fields);
    };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (name) => holding(target.child(name)) };
  };
  const log: Logger = { ...base, child: (name) => (name === 'discovery' ? holding(base.child(name)) : base.child(name)) };
  return {
    log,
    release() {
      const lines = held ?? [];
      held = undefined;
      for (const write of lines) write();
    },
    discard() {
      held = undefined;
    },
  };
}

export interface OnceOptions {
  gapMs: number;
  io: { stdout: (s: string) => void; stderr: (s: string) => void };
}

export async function runOnce(config: Config, options: OnceOptions): Promise<number> {
  const procProblem = procRootProblem(config.host.proc_root);
  if (procProblem) options.io.stderr(`cgflux: ${procProblem}\n`);
  const discovery = heldDiscoveryLog(logger('once'));
  const outputs = config.outputs.length > 0 ? config.outputs : [defaultOutput('stdout')];
  // Self-metrics describe a running daemon; a single sample has none worth shipping.
  const pipeline = new Pipeline({ ...config, self_metrics: { enabled: false } }, discovery.log, outputs);
  const reached = await pipeline.registry.refresh();
  if (!reached) {
    discovery.discard();
    options.io.stderr(
      `cgflux: cannot reach dockerd at ${config.docker.socket}: ${pipeline.registry.connectionProblem() ?? 'unknown error'}; ` +
        'set docker.socket in the configuration, CGFLUX_DOCKER_SOCKET or --docker-socket to where the Docker socket is\n',
    );
    await pipeline.close(Date.now());
    return 1;
  }
  discovery.release();
  if (options.gapMs > 0) {
    pipeline.gather();
    await new Promise((r) => setTimeout(r, options.gapMs));
  }
  const points = pipeline.tick(Date.now());
  const left = await pipeline.close(Date.now() + config.shutdown.flush_timeout_ms);
  const skipped = pipeline.errors.total();
  options.io.stderr(
    `cgflux: ${pipeline.lastContainers} containers, ${points} points` +
      (skipped > 0 ? `, ${skipped} values could not be read (see "cgflux run" /metrics read_errors_total)` : '') +
      (left > 0 ? `; ${left} points could not be delivered and stay in the spool (${config.spool.dir})` : '') +
      '\n',
  );
  return left > 0 ? 1 : 0;
}
