// docker_container_psi: pressure stall information per resource (cpu, memory, io), read from the
// unified (v2) directory when the kernel provides it (CONFIG_PSI, not booted with psi=0). Also
// present in hybrid mode, where the unified hierarchy tracks the same tasks.
// `cpu.pressure` has no `full` line before Linux 5.13: then only the some_* fields are written.
import type { Row } from '../../model.js';
import { defineCollector, type Collector } from '../collector.js';
import { parsePsi } from '../parsers/psi.js';
import { filePaths, readReusing, type FilePaths, type FromText } from './read-helpers.js';

export const PSI_MEASUREMENT = 'docker_container_psi';
const NAME = 'psi';
const FILES = { cpu: 'cpu.pressure', memory: 'memory.pressure', io: 'io.pressure' } as const;
const RESOURCES = ['cpu', 'memory', 'io'] as const;
const TAGS = {
  cpu: Object.freeze({ resource: 'cpu' }),
  memory: Object.freeze({ resource: 'memory' }),
  io: Object.freeze({ resource: 'io' }),
};

type Resource = (typeof RESOURCES)[number];

/** One resource's row (frozen: reused while the file reads the same) and its malformed lines. */
interface PsiRow {
  row: Row;
  malformed: number;
}

function psiRow(resource: Resource, text: string): PsiRow | undefined {
  const psi = parsePsi(text);
  if (!psi.some && !psi.full) return undefined;
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
  return { row: Object.freeze({ measurement: PSI_MEASUREMENT, tags: TAGS[resource], fields: Object.freeze(fields) }), malformed: psi.malformed };
}

const MAKE: Record<Resource, (text: string) => PsiRow | undefined> = {
  cpu: (text) => psiRow('cpu', text),
  memory: (text) => psiRow('memory', text),
  io: (text) => psiRow('io', text),
};

interface PsiState {
  files?: FilePaths<keyof typeof FILES>;
  /** Each file's last text and its row: an idle cgroup's pressure files read the same for minutes. */
  last: Partial<Record<Resource, FromText<PsiRow>>>;
}

export function createPsiCollector(): Collector<PsiState> {
  return {
    name: NAME,
    createState: () => ({ last: {} }),
    collect(ctx, state, out) {
      const dir = ctx.cgroup.dirs.unified;
      if (!dir) return;
      const p = (state.files = filePaths(state.files, dir, FILES)).paths;
      for (const resource of RESOURCES) {
        const made = (state.last[resource] = readReusing(ctx, NAME, p[resource], MAKE[resource], state.last[resource]));
        if (!made) continue;
        if (made.value.malformed > 0) ctx.errors.count(NAME, 'malformed', made.value.malformed);
        out.push(made.value.row);
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
