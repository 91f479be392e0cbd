// Every `collectors.<name>` config section, from the definition each collector module exports:
// the config type and defaults (config/schema.ts), the YAML spec (config/spec.ts) and the
// collectors the sampler runs are all built from the list below.
import type { Section } from '../../config/spec.js';
import { defineSettings, type Collector, type CollectorDefinition, type CollectorSettings } from '../collector.js';
import { cpuCollector } from './cpu.js';
import { memoryCollector } from './memory.js';
import { pidsCollector } from './pids.js';
import { psiCollector } from './psi.js';
import { statusCollector } from './status.js';
import { blkioCollector } from './blkio.js';
import { networkCollector } from './network.js';
import { contextSwitchesCollector } from './context-switches.js';
import { processesCollector } from './processes.js';

/** `collectors.host`: host rows, read once per tick by the sampler (host.ts), not per container. */
const hostSettings = defineSettings({ name: 'host', spec: {}, defaults: { enabled: true } });
/** `collectors.events`: docker_container_event rows from discovery's events (daemon/event-rows.ts). */
const eventsSettings = defineSettings({ name: 'events', spec: {}, defaults: { enabled: true } });

/** The per-container collectors, in the order of a container's rows: add a new one here. */
const ROW_ORDER = [
  cpuCollector, memoryCollector, pidsCollector, psiCollector, statusCollector,
  blkioCollector, networkCollector, contextSwitchesCollector, processesCollector,
] as const;

/** Every `collectors.*` section, in the order `config check` renders them. */
const SECTIONS = [...ROW_ORDER, eventsSettings, hostSettings] as const;

type AnySection = (typeof SECTIONS)[number];
export type CollectorsConfig = { [D in AnySection as D['name']]: D['defaults'] };
export type ContainerCollectorName = (typeof ROW_ORDER)[number]['name'];

/** Fresh defaults of every section (the caller may change them). */
export function collectorDefaults(): CollectorsConfig {
  const out: Record<string, CollectorSettings> = {};
  for (const d of SECTIONS) out[d.name] = { ...d.defaults };
  return out as CollectorsConfig;
}

/** The `collectors:` spec: `enabled` plus each definition's own keys. */
export function collectorsSpec(): Section {
  const out: Section = {};
  for (const d of SECTIONS) out[d.name] = { section: { enabled: { leaf: { kind: 'bool' } }, ...d.spec } };
  return out;
}

export interface CollectorEntry {
  name: ContainerCollectorName;
  create(config: CollectorsConfig): Collector;
}

export const COLLECTORS: readonly CollectorEntry[] = ROW_ORDER.map((d) => ({
  name: d.name,
  create: (config: CollectorsConfig) => (d as CollectorDefinition).create(config[d.name]),
}));

/** New instances of the collectors enabled in `config`, in row order. */
export function createEnabledCollectors(config: CollectorsConfig): Collector[] {
  return COLLECTORS.filter((entry) => config[entry.name].enabled).map((entry) => entry.create(config));
}
