// The one place where the benchmark meets cgflux's data path (sampler → encoder), so that a change
// of their API is adapted here and nowhere else.
import { hostname } from 'node:os';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import type { ContainerInfo, Sample } from '../../src/model.js';
import { LineEncoder, withTimestamp } from '../../src/encode/index.js';
import { TICK_LINES_PER_HANDOFF } from '../../src/daemon/pipeline.js';
import { encodeLines } from './point-baseline.js';
import { KeptFiles } from '../../src/sampler/kept-files.js';
import { ReadErrors } from '../../src/errors/read-errors.js';
import { Sampler } from '../../src/sampler/sampler.js';
import type { Collector } from '../../src/sampler/collector.js';
import type { TreeRoots } from '../synthetic/tree.js';

export interface Pipeline {
  config: Config;
  /**
   * One tick as the daemon runs it (Pipeline.tick): Sampler.gatherEach hands each container's
   * sample to LineEncoder.encodeSample at once, between beginTick/endTick; then the lines get their
   * ns timestamp as an output would, TICK_LINES_PER_HANDOFF at a time. Returns the number of lines.
   */
  tick(containers: readonly ContainerInfo[], timeMs: number): number;
  /** Gather then encode, apart: only to split a tick's cost into reading+parsing and encoding. */
  gather(containers: readonly ContainerInfo[]): Sample[];
  /** Complete lines (ns timestamps) of one tick, through the daemon's cached encoder. */
  encode(samples: readonly Sample[], timeMs: number): string[];
  /** Values that could not be read so far, [collector, reason, count] (a healthy tree has none). */
  readErrors(): Array<[string, string, number]>;
  /**
   * The descriptor budget: descriptors kept open, reads done with open/read/close so far
   * (monotonic) and containers that had one during the last tick.
   */
  descriptors(): { keptOpen: number; keptOpenLimit: number; fallbackReads: number; fallbackContainers: number };
  close(): void;
}

/** Default configuration (every default collector on), with host roots moved when given. */
export function benchConfig(roots?: TreeRoots): Config {
  const config = defaultConfig(hostname());
  if (roots) {
    config.host.proc_root = roots.procRoot;
    config.host.cgroup_root = roots.cgroupRoot;
    config.host.sys_root = roots.sysRoot;
  }
  return config;
}

/** The daemon's sampler and encoder; `collectors` replaces the configured set (per-collector breakdown). */
export async function createPipeline(config: Config, collectors?: Collector[]): Promise<Pipeline> {
  const errors = new ReadErrors();
  const files = new KeptFiles(errors);
  const sampler = new Sampler(config, files, errors, collectors);
  const encoder = new LineEncoder({ hostname: config.host.hostname, tags: config.tags });
  return {
    config,
    tick: (containers, timeMs) => {
      let bodies: string[] = [];
      let lines = 0;
      const handOff = (): void => {
        lines += withTimestamp(bodies, timeMs, 'ns').length;
        bodies = [];
      };
      encoder.beginTick();
      sampler.gatherEach(containers, (sample) => {
        encoder.encodeSample(sample, bodies);
        if (bodies.length >= TICK_LINES_PER_HANDOFF) handOff();
      });
      encoder.endTick();
      handOff();
      return lines;
    },
    gather: (containers) => sampler.gather(containers),
    encode: (samples, timeMs) => encodeLines(encoder, samples, timeMs, 'ns'),
    readErrors: () => errors.entries(),
    descriptors: () => ({
      keptOpen: files.budget.used,
      keptOpenLimit: files.budget.limit,
      fallbackReads: files.fallbackReads,
      fallbackContainers: files.fallbackContainers,
    }),
    close: () => sampler.close(),
  };
}
