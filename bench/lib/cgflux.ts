// The one place where the benchmark meets cgflux's data path (sampler → encoder), so that a change
// of their API is adapted here and nowhere else.
import { hostname } from 'node:os';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import type { ContainerInfo, Sample } from '../../src/model.js';
import { LineEncoder, encodeLines } from '../../src/encode/index.js';
import type { TreeRoots } from '../synthetic/tree.js';
import { KeptFiles } from '../../src/sampler/kept-files.js';
import { ReadErrors } from '../../src/sampler/read-errors.js';

export interface GatherFn {
  (containers: readonly ContainerInfo[]): Sample[];
}

export interface Pipeline {
  config: Config;
  gather: GatherFn;
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

interface SamplerLike {
  gather(containers: readonly ContainerInfo[]): Sample[];
  close?(): void;
}

// The sampler is being written in parallel: loaded by a computed specifier so that the benchmark
// type-checks before it exists, and fails with a clear message when run without it.
const SAMPLER_MODULE = '../../src/sampler/sampler.js';

export async function createPipeline(config: Config): Promise<Pipeline> {
  let mod: { Sampler?: new (config: Config, files: KeptFiles, errors: ReadErrors) => SamplerLike };
  try {
    mod = (await import(SAMPLER_MODULE as string)) as typeof mod;
  } catch (err) {
    throw new Error(`the sampler (src/sampler/sampler.ts) cannot be loaded: ${(err as Error).message}`);
  }
  if (!mod.Sampler) throw new Error('src/sampler/sampler.ts does not export a Sampler class');
  const errors = new ReadErrors();
  const sampler = new mod.Sampler(config, new KeptFiles(errors), errors);
  const encoder = new LineEncoder({ hostname: config.host.hostname, tags: config.tags });
  return {
    config,
    gather: (containers) => sampler.gather(containers),
    encode: (samples, timeMs) => encodeLines(encoder, samples, timeMs, 'ns'),
    readErrors: () => errors.entries(),
    close: () => sampler.close?.(),
  };
}
