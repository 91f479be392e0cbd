// The per-container collectors by their config name (`collectors.<name>` in the YAML). The order
// of this list is the order of a container's rows. `host` (read once per tick by the sampler) and
// `events` (the Docker events stream) are not per-container collectors and are not listed here.
import type { CollectorsConfig } from '../../config/schema.js';
import type { Collector } from '../collector.js';

export type ContainerCollectorName = Exclude<keyof CollectorsConfig, 'host' | 'events'>;

export interface CollectorEntry {
  name: ContainerCollectorName;
  create(config: CollectorsConfig): Collector;
}

export const COLLECTORS: readonly CollectorEntry[] = [];

/** New instances of the collectors enabled in `config`, in registry order. */
export function createEnabledCollectors(config: CollectorsConfig): Collector[] {
  return COLLECTORS.filter((entry) => config[entry.name].enabled).map((entry) => entry.create(config));
}
