// The per-container collectors by their config name (`collectors.<name>` in the YAML). The order
// of this list is the order of a container's rows. `host` (read once per tick by the sampler) and
// `events` (the Docker events stream) are not per-container collectors and are not listed here.
import type { CollectorsConfig } from '../../config/schema.js';
import type { Collector } from '../collector.js';
import { createCpuCollector } from './cpu.js';
import { createMemoryCollector } from './memory.js';
import { createPidsCollector } from './pids.js';
import { createPsiCollector } from './psi.js';
import { createStatusCollector } from './status.js';
import { createBlkioCollector } from './blkio.js';
import { createNetworkCollector } from './network.js';
import { createContextSwitchesCollector } from './context-switches.js';

export type ContainerCollectorName = Exclude<keyof CollectorsConfig, 'host' | 'events'>;

export interface CollectorEntry {
  name: ContainerCollectorName;
  create(config: CollectorsConfig): Collector;
}

export const COLLECTORS: readonly CollectorEntry[] = [
  { name: 'cpu', create: (c) => createCpuCollector({ perCpu: c.cpu.per_cpu }) },
  { name: 'memory', create: () => createMemoryCollector() },
  { name: 'pids', create: () => createPidsCollector() },
  { name: 'psi', create: () => createPsiCollector() },
  { name: 'status', create: () => createStatusCollector() },
  { name: 'blkio', create: () => createBlkioCollector() },
  { name: 'network', create: (c) => createNetworkCollector({ include_loopback: c.network.include_loopback }) },
  { name: 'context_switches', create: () => createContextSwitchesCollector() },
];

/** New instances of the collectors enabled in `config`, in registry order. */
export function createEnabledCollectors(config: CollectorsConfig): Collector[] {
  return COLLECTORS.filter((entry) => config[entry.name].enabled).map((entry) => entry.create(config));
}
