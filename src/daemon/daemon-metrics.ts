// The figures cgflux reports about itself (/metrics, the cgflux_internal measurement, the
// status line), registered against the live components: values are read at collect time, so the
// hot path only bumps the few counters the tick owns.
// A reload replaces the components but keeps the registry: their families are registered again
// against the new ones, and counters carry on from where the old ones stopped (CarriedCounters),
// so a SIGHUP is not a counter reset and drop accounting stays exact across it.
import type { KnownContainers } from '../discovery/known-containers.js';
import { DROP_REASONS, type Output } from '../output/index.js';
import type { OutputStats } from '../output/stats.js';
import type { ReadErrors } from '../errors/read-errors.js';
import type { Sampler } from '../sampler/sampler.js';
import type { KeptFiles } from '../sampler/kept-files.js';
import type { ContextSwitchesCollector } from '../sampler/collectors/context-switches.js';
import type { EventRecorder } from './event-rows.js';
import type { Counter, Gauge, Labels, MetricsRegistry } from './self-metrics.js';

export interface TickMetrics {
  gatherSeconds: Gauge;
  containers: Gauge;
  pointsEncoded: Counter;
}

export interface MeteredParts {
  registry: KnownContainers;
  sampler: Sampler;
  files: KeptFiles;
  errors: ReadErrors;
  events: EventRecorder;
  outputs: readonly Output[];
}

function keyOf(name: string, labels: Labels): string {
  return `${name}{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',')}}`;
}

/** Counter values of replaced components: what a new component counts is added to them. */
export class CarriedCounters {
  private readonly base = new Map<string, number>();
  private live: (() => void)[] = [];

  /** `fn` counted from zero by the current component → the counter's value since the daemon started. */
  counter(name: string, labels: Labels, fn: () => number | undefined): () => number | undefined {
    const key = keyOf(name, labels);
    const total = (): number | undefined => {
      const v = fn();
      const b = this.base.get(key);
      return v === undefined ? b : (b ?? 0) + v;
    };
    this.live.push(() => {
      const v = total();
      if (v !== undefined) this.base.set(key, v);
    });
    return total;
  }

  dynamic(name: string, fn: () => Iterable<{ labels: Labels; value: number }>): () => Iterable<{ labels: Labels; value: number }> {
    const seen = new Map<string, Labels>();
    const total = (): { labels: Labels; value: number }[] => {
      const out = new Map<string, { labels: Labels; value: number }>();
      for (const { labels, value } of fn()) {
        const key = keyOf(name, labels);
        seen.set(key, labels);
        out.set(key, { labels, value: (this.base.get(key) ?? 0) + value });
      }
      // Label sets the current component has not seen (yet) keep their carried value.
      for (const [key, labels] of seen) if (!out.has(key)) out.set(key, { labels, value: this.base.get(key) ?? 0 });
      return [...out.values()];
    };
    this.live.push(() => {
      for (const { labels, value } of total()) this.base.set(keyOf(name, labels), value);
    });
    return total;
  }

  /** The current components are being released: their last values become the base of the next. */
  settle(): void {
    for (const keep of this.live) keep();
    this.live = [];
  }
}

export function registerDaemonMetrics(m: MetricsRegistry, parts: MeteredParts, carry = new CarriedCounters()): TickMetrics {
  const { registry, sampler, files, errors, events, outputs } = parts;
  // Families read from components are registered afresh (a reload replaces the components).
  const registered = new Set<string>();
  const fresh = (name: string): string => {
    if (!registered.has(name)) m.remove(name);
    registered.add(name);
    return name;
  };
  const counterFn = (name: string, help: string, fn: () => number | undefined, labels: Labels = {}): void =>
    m.counterFn(fresh(name), help, carry.counter(name, labels, fn), labels);
  // ~20 families read each output's stats() and 4 Docker's: read once per collect, not per family
  // (outside a collect, when a reload carries the counters on, always afresh).
  const outputStats = new Map<Output, OutputStats>();
  let dockerStats: ReturnType<KnownContainers['stats']> | undefined;
  m.onCollect('daemon-parts', () => {
    outputStats.clear();
    dockerStats = undefined;
  });
  const statsOf = (out: Output): OutputStats => {
    if (!m.collecting) return out.stats();
    let stats = outputStats.get(out);
    if (!stats) outputStats.set(out, (stats = out.stats()));
    return stats;
  };
  const docker = (): ReturnType<KnownContainers['stats']> => (m.collecting ? (dockerStats ??= registry.stats()) : registry.stats());

  m.gaugeFn(fresh('kept_open_files'), 'cgroup and procfs files kept open between ticks.', () => files.openCount);
  // The descriptor budget is one per process and outlives reloads: its counters are not carried.
  const budget = files.budget;
  m.gaugeFn(fresh('kept_open_budget'), 'Most descriptors cgflux keeps open (open-files limit minus a reserve); beyond it files are read with open/read/close.', () => budget.limit);
  m.gaugeFn(fresh('kept_open_budget_used'), 'Descriptors kept open under the budget (cgroup files and per-thread status files).', () => budget.used);
  m.counterFn(fresh('fallback_reads_total'), 'Reads done with open/read/close because the descriptor budget was spent: raise the open-files limit (LimitNOFILE).', () => budget.fallbackReads);
  m.counterFn(fresh('descriptor_exhausted_total'), 'Opens that failed with EMFILE/ENFILE although the budget allowed them.', () => budget.exhaustedOpens);
  m.gaugeFn(fresh('fallback_containers'), 'Containers read with open/read/close in the last tick.', () => files.fallbackContainers);
  m.dynamic('counter', fresh('read_errors_total'), 'Values that could not be read, by collector and reason (missing, unreadable, vanished, malformed, empty, pid_gone).', carry.dynamic('read_errors_total', () =>
    errors.entries().map(([collector, reason, value]) => ({ labels: { collector, reason }, value })),
  ));
  counterFn('samples_dropped_vanished_total', 'Container samples dropped because the container vanished while it was read.', () => sampler.droppedVanished);
  counterFn('docker_events_total', 'Container lifecycle events received from dockerd.', () => docker().eventsSeen);
  counterFn('docker_reconnects_total', 'Reconnections of the Docker events stream.', () => docker().reconnects);
  counterFn('docker_skipped_vanished_total', 'Containers skipped because their pid vanished before their cgroup was resolved.', () => docker().skippedVanished);
  m.gaugeFn(fresh('docker_connected'), '1 while the Docker events stream is connected.', () => (docker().connected ? 1 : 0));
  counterFn('events_dropped_total', 'Lifecycle events dropped because too many were waiting for a tick.', () => events.dropped);
  const departures = (sampler.collector('context_switches') as ContextSwitchesCollector | undefined)?.departures;
  if (departures) {
    for (const reason of ['shipped', 'dropped', 'unmatched', 'superseded'] as const) {
      counterFn('final_switch_rows_total', 'Last context-switch rows of containers whose run ended (kernel method), by outcome: shipped, dropped (too many waiting), unmatched (no kernel entry), superseded (running again).', () => departures.stats[reason], { outcome: reason });
    }
  }

  for (const out of outputs) {
    const labels = { output: out.name };
    counterFn('points_written_total', 'Points the server acknowledged.', () => statsOf(out).pointsWritten, labels);
    counterFn('points_retried_total', 'Points sent again after a failed attempt.', () => statsOf(out).pointsRetried, labels);
    counterFn('write_requests_total', 'Write requests made.', () => statsOf(out).requests, labels);
    for (const reason of DROP_REASONS) {
      counterFn('points_dropped_total', 'Points lost, by reason: lines the server rejected (beyond_retention, type_conflict, column_conflict, unparsable, limit, too_large, rejected), or the spool could not keep them (spool_full, spool_unwritable, shutdown).', () => statsOf(out).pointsDropped[reason] ?? 0, { ...labels, reason });
    }
    counterFn('points_set_aside_total', 'Points of batches set aside because they kept failing while newer data was accepted (retried whenever the spool is empty).', () => statsOf(out).pointsSetAside, labels);
    m.gaugeFn(fresh('spool_bytes'), 'Bytes waiting in the on-disk spool.', () => statsOf(out).spoolBytes, labels);
    m.gaugeFn(fresh('spool_points'), 'Points waiting in the spool (set-aside batches included).', () => statsOf(out).spoolPoints, labels);
    m.gaugeFn(fresh('spool_aside_points'), 'Points of set-aside batches waiting for a retry.', () => statsOf(out).spoolAsidePoints, labels);
    counterFn('spool_corrupt_bytes_total', 'Bytes of torn or corrupt spool data cut off at start-up.', () => statsOf(out).spoolCorruptBytes, labels);
    m.gaugeFn(fresh('last_success_timestamp_seconds'), 'When the server last acknowledged a write (Unix time).', () => {
      const t = statsOf(out).lastSuccessMs;
      return t === null ? undefined : t / 1000;
    }, labels, { float: true });
  }

  return {
    gatherSeconds: m.gauge('gather_seconds', 'Wall time of the last gather (all containers read, parsed and encoded).', {}, { float: true }),
    containers: m.gauge('containers', 'Containers sampled by the last tick.'),
    pointsEncoded: m.counter('points_encoded_total', 'Points encoded and handed to the outputs.'),
  };
}
