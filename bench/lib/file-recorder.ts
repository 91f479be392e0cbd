// Which files does one gather read? The floor loop must read exactly those. The sampler reads
// through two readers (KeptFiles for cgroup files, ProcFiles for per-task /proc files); while a
// recording is on, their `read` methods also note the path. Patching the prototypes keeps the
// sampler's code untouched and its behaviour identical.
import { KeptFiles } from '../../src/sampler/kept-files.js';

type AnyRead = (this: unknown, ...args: unknown[]) => unknown;

interface Patch {
  proto: { read: AnyRead };
  original: AnyRead;
}

export class FileRecorder {
  readonly paths = new Set<string>();
  private patches: Patch[] = [];

  /** Starts noting every path read; `pathArg` is the index of the path argument of each reader. */
  async start(): Promise<void> {
    this.patch(KeptFiles.prototype as unknown as { read: AnyRead }, 0);
    try {
      const mod = (await import('../../src/sampler/proc-files.js')) as { ProcFiles?: { prototype: unknown } };
      if (mod.ProcFiles) this.patch(mod.ProcFiles.prototype as { read: AnyRead }, 1);
    } catch {
      /* no ProcFiles in this version of the sampler: every read goes through KeptFiles */
    }
  }

  stop(): string[] {
    for (const p of this.patches) p.proto.read = p.original;
    this.patches = [];
    return [...this.paths];
  }

  private patch(proto: { read: AnyRead }, pathArg: number): void {
    const original = proto.read;
    const paths = this.paths;
    proto.read = function (this: unknown, ...args: unknown[]) {
      const path = args[pathArg];
      if (typeof path === 'string') paths.add(path);
      return original.apply(this, args);
    };
    this.patches.push({ proto, original });
  }
}
