// `cgflux --once`: one sample of every running container, written to the configured outputs
// (stdout when none is configured) and delivered before exiting. Percentages need two reads:
// the first primes the baselines, the second, `gapMs` later, is the one written.
import type { Config } from '../config/schema.js';
import { defaultOutput } from '../config/outputs.js';
import { logger } from '../log.js';
import { Pipeline } from './pipeline.js';

export interface OnceOptions {
  gapMs: number;
  io: { stdout: (s: string) => void; stderr: (s: string) => void };
}

export async function runOnce(config: Config, options: OnceOptions): Promise<number> {
  const log = logger('once');
  const outputs = config.outputs.length > 0 ? config.outputs : [defaultOutput('stdout')];
  // Self-metrics describe a running daemon; a single sample has none worth shipping.
  const pipeline = new Pipeline({ ...config, self_metrics: { enabled: false } }, log, outputs);
  const reached = await pipeline.registry.refresh();
  if (!reached) {
    options.io.stderr(
      `cgflux: cannot reach dockerd at ${config.docker.socket}: ${pipeline.registry.connectionProblem() ?? 'unknown error'}\n` +
        '(set docker.socket in the configuration, CGFLUX_DOCKER_SOCKET or --docker-socket to where the Docker socket is)\n',
    );
    await pipeline.close(Date.now());
    return 1;
  }
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
