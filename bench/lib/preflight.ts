// What the chosen stages need from the machine, checked before anything runs, so that a fresh
// checkout gets one sentence naming the set-up script instead of a raw `docker run` error later.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { VICTORIA_URL, requireDocker, requireVictoria } from '../../test/support/services.js';
import { BENCH_IMAGE } from '../real/containers.js';

const run = promisify(execFile);

async function missing(check: () => Promise<void>, what: string): Promise<string | undefined> {
  try {
    await check();
    return undefined;
  } catch {
    return what;
  }
}

async function imagePresent(): Promise<void> {
  await run('docker', ['image', 'inspect', '--format', '{{.Id}}', BENCH_IMAGE]);
}

/** One sentence saying what is missing and how to get it, or undefined when all is there. */
export async function preflight(stages: ReadonlySet<string>): Promise<string | undefined> {
  const gaps: string[] = [];
  if (['real', 'tasks', 'context-switches', 'top'].some((s) => stages.has(s))) {
    const docker = await missing(requireDocker, 'dockerd does not answer');
    gaps.push(...[docker ?? (await missing(imagePresent, `the test image ${BENCH_IMAGE} is not built`))].filter((g): g is string => !!g));
  }
  if (stages.has('e2e')) gaps.push(...[await missing(requireVictoria, `VictoriaMetrics does not answer at ${VICTORIA_URL}`)].filter((g): g is string => !!g));
  if (gaps.length === 0) return undefined;
  return `${gaps.join(', and ')}: run \`bash scripts/test-env.sh\` as root first (it starts dockerd, builds the test image and starts VictoriaMetrics), or choose other stages with --only.`;
}
