// docker_container_psi: pressure stall information per resource (cpu, memory, io), read from the
// unified (v2) directory when the kernel provides it (CONFIG_PSI, not booted with psi=0). Also
// present in hybrid mode, where the unified hierarchy tracks the same tasks.
// `cpu.pressure` has no `full` line before Linux 5.13: then only the some_* fields are written.
import type { Row } from '../../model.js';
import { defineCollector, type Collector } from '../collector.js';
import { parsePsi, type Psi } from '../parsers/psi.js';
import { filePaths, readParsed, type FilePaths } from './read-helpers.js';

export const PSI_MEASUREMENT = 'docker_container_psi';
const NAME = 'psi';
const FILES = { cpu: 'cpu.pressure', memory: 'memory.pressure', io: 'io.pressure' } as const;
const RESOURCES = ['cpu', 'memory', 'io'] as const;
const TAGS = {
  cpu: Object.freeze({ resource: 'cpu' }),
  memory: Object.freeze({ resource: 'memory' }),
  io: Object.freeze({ resource: 'io' }),
};

function parseComplete(text: string): Psi | undefined {
  const psi = parsePsi(text);
  return psi.some || psi.full ? psi : undefined;
}

interface PsiState {
  files?: FilePaths<keyof typeof FILES>;
}

export function createPsiCollector(): Collector<PsiState> {
  return {
    name: NAME,
    createState: () => ({}),
    collect(ctx, state, out) {
      const dir = ctx.cgroup.dirs.unified;
      if (!dir) return;
      const p = (state.files = filePaths(state.files, dir, FILES)).paths;
      for (const resource of RESOURCES) {
        const psi = readParsed(ctx, NAME, p[resource], parseComplete);
        if (!psi) continue;
        if (psi.malformed > 0) ctx.errors.count(NAME, 'malformed', psi.malformed);
        const fields: Row['fields'] = {};
        if (psi.some) {
          fields.some_avg10 = psi.some.avg10;
          fields.some_avg60 = psi.some.avg60;
          fields.some_avg300 = psi.some.avg300;
          fields.some_total = psi.some.totalUs;
        }
        if (psi.full) {
          fields.full_avg10 = psi.full.avg10;
          fields.full_avg60 = psi.full.avg60;
          fields.full_avg300 = psi.full.avg300;
          fields.full_total = psi.full.totalUs;
        }
        out.push({ measurement: PSI_MEASUREMENT, tags: TAGS[resource], fields });
      }
    },
  };
}

/** `collectors.psi`: no option besides `enabled`. */
export const psiCollector = defineCollector({
  name: NAME,
  spec: {},
  defaults: { enabled: true },
  create: () => createPsiCollector(),
});
