// Builds a CollectorContext over a fixture tree (or the real host) for the blkio, network and
// context-switch collector tests: real KeptFiles and ReadErrors, nothing mocked.
import { fileURLToPath } from 'node:url';
import type { CgroupPaths, ContainerInfo } from '../../../src/model.js';
import type { Collector, CollectorContext } from '../../../src/sampler/collector.js';
import { KeptFiles } from '../../../src/sampler/kept-files.js';
import { ReadErrors } from '../../../src/errors/read-errors.js';
import type { Row } from '../../../src/model.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const V1_ID = '5e1ec7ed'.repeat(8);
export const V1_OLD_KERNEL_ID = 'c0dec0de'.repeat(8);
export const V2_ID = 'decade00'.repeat(8);

export function container(id: string, pid: number): ContainerInfo {
  return {
    id, name: `c-${id.slice(0, 6)}`, image: 'busybox', imageTag: 'latest', labels: {}, state: 'running',
    pid, restartCount: 0, oomKilled: false, exitCode: 0,
  };
}

export interface Harness {
  ctx: CollectorContext;
  errors: ReadErrors;
  files: KeptFiles;
  /** Runs the collector once (with this container's state for it), returns its rows. */
  collect(collector: Collector): Row[];
  /** The collector's state for this container, made on first use as the sampler does. */
  stateOf<S>(collector: Collector<S>): S;
  /** What the sampler does when the container leaves: release the state, then drop it. */
  leave(collector: Collector): void;
}

export function harness(opts: { container: ContainerInfo; cgroup: CgroupPaths; procRoot: string; sysRoot: string }): Harness {
  const errors = new ReadErrors();
  const files = new KeptFiles(errors);
  let collectorName = '';
  const ctx: CollectorContext = {
    container: opts.container,
    cgroup: opts.cgroup,
    procRoot: opts.procRoot,
    sysRoot: opts.sysRoot,
    errors,
    read: (path, mode) => files.read(path, opts.container.id, collectorName, mode),
    monotonicNs: process.hrtime.bigint(),
    host: { cpuTotalNs: 0, onlineCpus: 1, memTotalBytes: 0 },
  };
  const states = new Map<Collector, unknown>();
  const stateOf = <S>(collector: Collector<S>): S => {
    if (!states.has(collector)) states.set(collector, collector.createState());
    return states.get(collector) as S;
  };
  return {
    ctx, errors, files, stateOf,
    collect(collector) {
      collectorName = collector.name;
      ctx.monotonicNs = process.hrtime.bigint();
      const out: Row[] = [];
      collector.collect(ctx, stateOf(collector), out);
      return out;
    },
    leave(collector) {
      if (states.has(collector)) collector.release?.(states.get(collector), 'left');
      states.delete(collector);
    },
  };
}

/** Compact view of rows for exact comparisons: [tags, fields]. */
export function view(rows: Row[]): Array<[Record<string, string>, Record<string, unknown>]> {
  return rows.map((r) => [{ ...(r.tags ?? {}) }, { ...r.fields }]);
}
