// The one place where the benchmark meets cgflux's data path (sampler → encoder), so that a change
// of their API is adapted here and nowhere else.
import { hostname } from 'node:os';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import type { ContainerInfo, Sample } from '../../src/model.js';
import { LineEncoder, encodeLines } from '../../src/encode/index.js';
import { KeptFiles } from '../../src/sampler/kept-files.js';
import { ReadErrors } from '../../src/sampler/read-errors.js';
import { Sampler } from '../../src/sampler/sampler.js';
import type { Collector } from '../../src/sampler/collector.js';
import type { TreeRoots } from '../synthetic/tree.js';

export interface Pipeline {
  config: Config;
  gather(containers: readonly ContainerInfo[]): Sample[];
  /** Complete lines (ns timestamps) of one tick, through the daemon's cached encoder. */
  encode(samples: readonly Sample[], timeMs: number): string[];
  /** Values that could not be read so far, [collector, reason, count] (a healthy tree has none). */
  readErrors(): Array<[string, string, number]>;
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
  const sampler = new Sampler(config, new KeptFiles(errors), errors, collectors);
  const encoder = new LineEncoder({ hostname: config.host.hostname, tags: config.tags });
  return {
    config,
    gather: (containers) => sampler.gather(containers),
    encode: (samples, timeMs) => encodeLines(encoder, samples, timeMs, 'ns'),
    readErrors: () => errors.entries(),
    close: () => sampler.close(),
  };
}
