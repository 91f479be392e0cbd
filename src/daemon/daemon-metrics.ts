// The figures cgflux reports about itself (/metrics, the cgflux_internal measurement, the
// status line), registered once against the live components: values are read at collect time,
// so the hot path only bumps the few counters the tick owns.
import type { Registry } from '../discovery/registry.js';
import type { Output } from '../output/index.js';
import type { ReadErrors } from '../sampler/read-errors.js';
import type { Sampler } from '../sampler/sampler.js';
import type { KeptFiles } from '../sampler/kept-files.js';
import type { EventRecorder } from './event-rows.js';
import { registerProcessMetrics, type Counter, type Gauge, type MetricsRegistry } from './self-metrics.js';

export interface TickMetrics {
  gatherSeconds: Gauge;
  containers: Gauge;
  pointsEncoded: Counter;
}

export interface MeteredParts {
  registry: Registry;
  sampler: Sampler;
  files: KeptFiles;
  errors: ReadErrors;
  events: EventRecorder;
  outputs: readonly Output[];
}

export function registerDaemonMetrics(m: MetricsRegistry, parts: MeteredParts): TickMetrics {
  registerProcessMetrics(m);
  const { registry, sampler, files, errors, events, outputs } = parts;

  m.gaugeFn('kept_open_files', 'cgroup and procfs files kept open between ticks.', () => files.openCount);
  m.dynamic('counter', 'read_errors_total', 'Values that could not be read, by collector and reason (missing, unreadable, vanished, malformed, empty, pid_gone).', () =>
    errors.entries().map(([collector, reason, value]) => ({ labels: { collector, reason }, value })),
  );
  m.counterFn('samples_dropped_vanished_total', 'Container samples dropped because the container vanished while it was read.', () => sampler.droppedVanished);
  m.counterFn('docker_events_total', 'Container lifecycle events received from dockerd.', () => registry.stats().eventsSeen);
  m.counterFn('docker_reconnects_total', 'Reconnections of the Docker events stream.', () => registry.stats().reconnects);
  m.counterFn('docker_skipped_vanished_total', 'Containers skipped because their pid vanished before their cgroup was resolved.', () => registry.stats().skippedVanished);
  m.gaugeFn('docker_connected', '1 while the Docker events stream is connected.', () => (registry.stats().connected ? 1 : 0));
  m.counterFn('events_dropped_total', 'Lifecycle events dropped because too many were waiting for a tick.', () => events.dropped);

  for (const out of outputs) {
    const labels = { output: out.name };
    m.counterFn('points_written_total', 'Points the server acknowledged.', () => out.stats().pointsWritten, labels);
    m.counterFn('points_retried_total', 'Points sent again after a failed attempt.', () => out.stats().pointsRetried, labels);
    m.counterFn('write_requests_total', 'Write requests made.', () => out.stats().requests, labels);
    for (const reason of ['rejected', 'spool_full', 'spool_unwritable'] as const) {
      m.counterFn('points_dropped_total', 'Points lost, by reason: rejected by the server (400), dropped from a full spool, or a spool that could not be written.', () => out.stats().pointsDropped[reason] ?? 0, { ...labels, reason });
    }
    m.gaugeFn('spool_bytes', 'Bytes waiting in the on-disk spool.', () => out.stats().spoolBytes, labels);
    m.gaugeFn('spool_points', 'Points waiting in the spool.', () => out.stats().spoolPoints, labels);
    m.counterFn('spool_corrupt_bytes_total', 'Bytes of torn or corrupt spool data cut off at start-up.', () => out.stats().spoolCorruptBytes, labels);
    m.gaugeFn('last_success_timestamp_seconds', 'When the server last acknowledged a write (Unix time).', () => {
      const t = out.stats().lastSuccessMs;
      return t === null ? undefined : t / 1000;
    }, labels, { float: true });
  }

  return {
    gatherSeconds: m.gauge('gather_seconds', 'Wall time of the last gather (all containers read, parsed and encoded).', {}, { float: true }),
    containers: m.gauge('containers', 'Containers sampled by the last tick.'),
    pointsEncoded: m.counter('points_encoded_total', 'Points encoded and handed to the outputs.'),
  };
}
