// The rows the encoding benchmark encodes: what the sampler produces for a synthetic host of a few
// hundred containers (second tick, so that rates and percentages are present).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/schema.js';
import type { Sample } from '../../src/model.js';
import { benchConfig, createPipeline } from '../lib/cgflux.js';
import { generateTree, treeRoots } from '../synthetic/tree.js';

export async function sampleRows(containers: number): Promise<{ samples: Sample[]; config: Config }> {
  // /dev/shm (memory) when there is one: writing ~60 small files per container to disk is slow.
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const root = mkdtempSync(join(base, 'cgflux-bench-rows-'));
  try {
    const infos = generateTree(root, 'v1', containers);
    const config = benchConfig(treeRoots(root));
    const pipeline = await createPipeline(config);
    try {
      pipeline.gather(infos);
      const samples = pipeline.gather(infos);
      const unreadable = pipeline.readErrors().reduce((n, e) => n + e[2], 0);
      // Too many containers for the descriptor limit would silently encode fewer rows.
      if (unreadable > 0) throw new Error(`${unreadable} values of the synthetic tree could not be read: ${JSON.stringify(pipeline.readErrors())}`);
      return { samples, config };
    } finally {
      pipeline.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
