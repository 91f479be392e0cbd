// Where a container-sample's cost goes: each default collector alone (plus the host snapshot every
// sampler reads once per tick), against the floor of exactly the files it read. Tells the
// collectors' owners which files and which parsing cost more than the reads themselves.
import type { Config } from '../../src/config/schema.js';
import type { ContainerInfo } from '../../src/model.js';
import { COLLECTORS } from '../../src/sampler/collectors/index.js';
import { createPipeline } from '../lib/cgflux.js';
import { measureCost } from './cgflux-cost.js';

export interface CollectorCost {
  collector: string;
  files_per_container: number;
  us_per_container_sample: number;
  gather_us_per_container_sample: number;
  encode_us_per_container_sample: number;
  floor_us_per_container_sample: number;
  ratio_vs_floor: number;
}

export async function measurePerCollector(config: Config, containers: readonly ContainerInfo[], ticks: number): Promise<CollectorCost[]> {
  const out: CollectorCost[] = [];
  for (const entry of COLLECTORS) {
    if (!config.collectors[entry.name].enabled) continue;
    const pipeline = await createPipeline(config, [entry.create(config.collectors)]);
    try {
      const r = await measureCost(pipeline, containers, ticks);
      out.push({
        collector: entry.name,
        files_per_container: r.files_per_container,
        us_per_container_sample: r.us_per_container_sample,
        gather_us_per_container_sample: r.gather_us_per_container_sample,
        encode_us_per_container_sample: r.encode_us_per_container_sample,
        floor_us_per_container_sample: r.floor_us_per_container_sample,
        ratio_vs_floor: r.us_per_container_sample / r.floor_us_per_container_sample,
      });
    } finally {
      pipeline.close();
    }
  }
  return out;
}
