// The processes view's source: the processes collector the daemon runs (`collectors.processes`),
// here in its own sampler that reads only the container being looked at, once per frame while its
// view is open, so that %CPU is over the refresh interval.
import type { Config } from '../config/schema.js';
import { ReadErrors } from '../errors/read-errors.js';
import type { ContainerInfo } from '../model.js';
import { createProcessesCollector } from '../sampler/collectors/processes.js';
import { KeptFiles } from '../sampler/kept-files.js';
import { Sampler } from '../sampler/sampler.js';
import type { ProcessLine, ProcessSource } from './processes.js';

const CMDLINE_MAX = 512;

export class LiveProcesses implements ProcessSource {
  private readonly collector = createProcessesCollector({ top: Number.MAX_SAFE_INTEGER, cmdline: true, cmdlineMax: CMDLINE_MAX });
  private readonly sampler: Sampler;

  constructor(config: Pick<Config, 'collectors' | 'host'>) {
    const errors = new ReadErrors();
    this.sampler = new Sampler({ collectors: { ...config.collectors, host: { enabled: false } }, host: config.host }, new KeptFiles(errors), errors, [this.collector]);
  }

  /** Reads the processes of `container`; undefined releases what the last one held. */
  update(container: ContainerInfo | undefined): void {
    this.sampler.gather(container ? [container] : []);
  }

  processes(containerId: string): ProcessLine[] | undefined {
    const snap = this.collector.book.latest(containerId);
    if (!snap) return undefined;
    return snap.processes
      .map((p) => ({ pid: p.pid, name: p.name, cpuPercent: p.cpuPercent, rssBytes: p.rssBytes, threads: p.threads, state: p.state, command: p.cmdline }))
      .sort((a, b) => (b.cpuPercent ?? -1) - (a.cpuPercent ?? -1) || (b.rssBytes ?? 0) - (a.rssBytes ?? 0) || a.pid - b.pid);
  }

  close(): void {
    this.sampler.close();
  }
}
