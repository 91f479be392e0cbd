// The cgflux image, built the way docs/deploy.md tells people without registry access
// (scripts/build-base-image.sh, then the Dockerfile with cgflux-deps.tar in the context, no
// network), once per content: the tag is a hash of what goes into it, so the image test and the
// stack test of one run share one build, and a changed source file builds a new one.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../grafana/queries.js';

const run = promisify(execFile);
export const BASE_IMAGE = 'cgflux-base/node:20';
/** Label of every image built here, so old ones can be pruned. */
const IMAGE_LABEL = 'io.cgflux.test-image';
/** What the Dockerfile COPYs; the rest of the repository stays out of the context. */
const CONTEXT_FILES = ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'config', 'native'];

export async function sh(cmd: string, args: string[], opts: { cwd?: string; timeout?: number; env?: NodeJS.ProcessEnv } = {}): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(cmd, args, { maxBuffer: 64 * 1024 * 1024, timeout: opts.timeout ?? 300_000, cwd: opts.cwd, env: opts.env });
  } catch (err) {
    // The end of the output holds the cause (a tsc error, a failed RUN step): show that.
    const e = err as { code?: number; stdout?: string; stderr?: string };
    const tail = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`\`${cmd} ${args.join(' ')}\` exited with ${e.code}:\n${tail}`);
  }
}

function hashTree(hash: ReturnType<typeof createHash>, path: string): void {
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) hashTree(hash, join(path, name));
    return;
  }
  hash.update(relative(REPO_ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
}

async function contentTag(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of CONTEXT_FILES) hashTree(hash, join(REPO_ROOT, f));
  // The installed dependencies travel in the tar, and the base image is this machine's node.
  hash.update(readFileSync(join(REPO_ROOT, 'node_modules', '.package-lock.json')));
  hash.update((await sh('docker', ['image', 'inspect', '-f', '{{.Id}}', BASE_IMAGE])).stdout);
  return `cgflux-test/cgflux:${hash.digest('hex').slice(0, 16)}`;
}

/** Builds (or finds) the image of the current sources; returns its tag. Left in place for the
 *  next test file; images of this label older than two hours and unused are pruned. */
export async function ensureCgfluxImage(): Promise<string> {
  await sh('bash', [join(REPO_ROOT, 'scripts', 'build-base-image.sh'), BASE_IMAGE]);
  const tag = await contentTag();
  if (await sh('docker', ['image', 'inspect', tag]).then(() => true, () => false)) return tag;
  await sh('docker', ['image', 'prune', '-af', '--filter', `label=${IMAGE_LABEL}`, '--filter', 'until=2h']).catch(() => undefined);
  const context = mkdtempSync(join(tmpdir(), 'cgflux-image-'));
  try {
    for (const f of CONTEXT_FILES) cpSync(join(REPO_ROOT, f), join(context, f), { recursive: true });
    // Offline build: the dependencies installed here travel in the context instead of `npm ci`.
    // (From where it really is: in a git worktree node_modules may be a symlink.)
    const modules = realpathSync(join(REPO_ROOT, 'node_modules'));
    await sh('tar', ['-C', dirname(modules), '-cf', join(context, 'cgflux-deps.tar'), basename(modules)]);
    await sh('docker', ['build', '--force-rm', '--network', 'none', '--label', `${IMAGE_LABEL}=1`, '--build-arg', `NODE_IMAGE=${BASE_IMAGE}`, '-t', tag, context], { timeout: 600_000 });
  } finally {
    rmSync(context, { recursive: true, force: true });
    // The legacy builder keeps the untagged build stage; it is labelled in the Dockerfile.
    await sh('docker', ['image', 'prune', '-f', '--filter', 'label=io.cgflux.stage=build']).catch(() => undefined);
  }
  return tag;
}
