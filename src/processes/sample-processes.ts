// "The processes of these containers now", for a command or view that has no daemon running
// (`cgflux ps`, a per-container top view): two readings `gapMs` apart through the same collector the
// daemon runs, so %CPU is over the gap. Inside the daemon, read the processes collector's
// ProcessBook instead (Pipeline.processes.book.latest(id)): it is filled every tick.
import type { Config } from '../config/schema.js';
import type { ContainerInfo } from '../model.js';
import { ReadErrors } from '../errors/read-errors.js';
import { KeptFiles } from '../sampler/kept-files.js';
import { Sampler } from '../sampler/sampler.js';
import { createProcessesCollector } from '../sampler/collectors/processes.js';
import type { ProcessSnapshot } from '../sampler/processes/book.js';

export interface ProcessesNow {
  /** By container id; a container whose processes could not be read is absent. */
  snapshots: Map<string, ProcessSnapshot>;
  /** What could not be read, as [collector, reason, count]. */
  errors: Array<[string, string, number]>;
}

/** Every process of each container (not only the top N), with the command line up to `cmdlineMax`. */
export async function sampleProcesses(config: Pick<Config, 'collectors' | 'host'>, containers: readonly ContainerInfo[], gapMs: number, cmdlineMax = 4096): Promise<ProcessesNow> {
  const errors = new ReadErrors();
  const collector = createProcessesCollector({ top: Number.MAX_SAFE_INTEGER, cmdline: true, cmdlineMax });
  const sampler = new Sampler(config, new KeptFiles(errors), errors, [collector]);
  const snapshots = new Map<string, ProcessSnapshot>();
  try {
    sampler.gather(containers);
    if (gapMs > 0) {
      await new Promise((r) => setTimeout(r, gapMs));
      sampler.gather(containers);
    }
    // Before close(): it releases the containers, and their entries in the book with them.
    for (const c of containers) {
      const snap = collector.book.latest(c.id);
      if (snap) snapshots.set(c.id, snap);
    }
  } finally {
    sampler.close();
  }
  return { snapshots, errors: errors.entries() };
}
