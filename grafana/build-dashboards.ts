// Writes grafana/dashboards/*.json from grafana/src/*.ts. The JSON is committed (Grafana reads it);
// test/grafana/dashboards.test.ts fails when it is stale. Run: node --import tsx grafana/build-dashboards.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { capacity } from './src/capacity.js';
import { containerDetail } from './src/container.js';
import { hostsOverview } from './src/overview.js';
import { rates } from './src/rates.js';
import type { Json } from './src/lib.js';

export const DASHBOARD_DIR = join(dirname(fileURLToPath(import.meta.url)), 'dashboards');

/** File name → dashboard, in the order Grafana lists them. */
export function buildDashboards(): Record<string, Json> {
  return {
    'hosts-overview.json': hostsOverview(),
    'container-detail.json': containerDetail(),
    'rates.json': rates(),
    'capacity.json': capacity(),
  };
}

export function render(dashboard: Json): string {
  return JSON.stringify(dashboard, null, 2) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, dashboard] of Object.entries(buildDashboards())) {
    writeFileSync(join(DASHBOARD_DIR, file), render(dashboard));
    console.log(`wrote grafana/dashboards/${file}`);
  }
}
