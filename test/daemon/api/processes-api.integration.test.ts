// The daemon as an operator runs it (collectors.processes on, the HTTP listener on loopback) beside
// a real container: the REST API answers through HTTP with the documented shape, and `cgflux ps`
// prints the same processes, ranked the same way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { main } from '../../../src/main.js';
import { DOCKER_SOCKET, TEST_LABEL, requireDocker } from '../../support/services.js';
import { TEST_RUN, removeContainer, startContainer, uniqueName, waitFor } from '../../support/docker.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const PORT = 20000 + (process.pid % 20000);
let dir = '';
let id = '';
let daemon: ChildProcess | undefined;
let stderr = '';
const name = uniqueName('api');

before(async () => {
  await requireDocker();
  dir = mkdtempSync(join(tmpdir(), 'cgflux-api-'));
  // A burner, a sleeper and an allocator (48 MB held by a shell variable).
  id = await startContainer({ name, script: '(while :; do :; done) & (x=$(head -c 48000000 /dev/zero | tr "\\0" a); sleep 600; echo ${#x}) & sleep 600 & wait' });
  const config = join(dir, 'cgflux.yaml');
  writeFileSync(config, stringify({
    interval: '1s',
    docker: { include: { labels: [`${TEST_LABEL}=${TEST_RUN}`] } },
    collectors: { processes: { enabled: true, top: 3 } },
    spool: { dir: join(dir, 'spool') },
    outputs: [{ type: 'file', name: 'file', path: join(dir, 'out.lp') }],
    http: { enabled: true, listen: `127.0.0.1:${PORT}` },
    log: { status_interval: '0s' },
  }));
  daemon = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'cli.ts'), 'run', '--config', config], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  daemon.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
});

after(async () => {
  daemon?.kill('SIGTERM');
  if (daemon && daemon.exitCode === null) await new Promise((r) => daemon!.once('exit', r));
  if (id) await removeContainer(id);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function api(path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://127.0.0.1:${PORT}${path}`);
  return { status: res.status, json: await res.json() };
}

test('the API through HTTP and `cgflux ps` show the same processes of a real container', async () => {
  const answer = await waitFor(`the API to show 3 samples of ${name}`, 40_000, async () => {
    const r = await api(`/api/v1/containers/${name}/processes?count=3&limit=3`).catch(() => undefined);
    return r?.status === 200 && r.json.samples.length === 3 && r.json.samples[0].processes.length >= 3 ? r : undefined;
  }).catch((err) => assert.fail(`${(err as Error).message}\n${stderr.slice(-2000)}`));
  const body = answer.json;
  assert.deepEqual(Object.keys(body).sort(), ['container', 'count', 'cpu_limit', 'interval_s', 'limit', 'memory_limit_bytes', 'samples', 'sort', 'total_processes']);
  assert.equal(body.container.id, id);
  const newest = body.samples[0];
  assert.ok(newest.interval_s > 0.5 && newest.interval_s < 5, `interval ${newest.interval_s}`);
  const burner = newest.processes[0];
  assert.ok(burner.cpu_percent > 1, `the burner leads: ${JSON.stringify(newest.processes)}`);
  for (const p of newest.processes) assert.equal(typeof p.rss_bytes, 'number');

  const mem = await api(`/api/v1/containers/${id.slice(0, 12)}/processes?sort=mem&limit=1`);
  const allocator = mem.json.samples[0].processes[0];
  assert.ok(allocator.rss_bytes > 40e6, JSON.stringify(allocator));

  const list = await api('/api/v1/containers');
  const mine = list.json.containers.find((c: any) => c.id === id);
  assert.ok(mine && mine.sampled_at && mine.memory_usage_bytes > 40e6, JSON.stringify(mine));
  assert.ok(!JSON.stringify(list.json).includes('spool'), 'no configuration in the answer');

  assert.equal((await api('/api/v1/containers/no-such-container/processes')).status, 404);
  assert.equal((await api(`/api/v1/containers/${name}/processes?sort=pcpu`)).status, 400);

  // cgflux ps: the same burner first by CPU, the same allocator first by memory.
  let out = '';
  let err = '';
  const io = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (err += s) };
  assert.equal(await main(['ps', name, '--json', '--docker-socket', DOCKER_SOCKET], io), 0, err);
  const ps = JSON.parse(out);
  assert.equal(ps.processes[0].pid, burner.pid);
  const psPids = ps.processes.map((p: any) => p.pid);
  for (const p of newest.processes) assert.ok(psPids.includes(p.pid), `ps shows pid ${p.pid}: ${psPids}`);
  out = '';
  assert.equal(await main(['ps', name, '--sort', 'mem', '--limit', '1'], io), 0, err);
  const lines = out.trim().split('\n');
  assert.match(lines[0], new RegExp(`^${name}: \\d+ processes \\(1 shown\\)`));
  assert.match(lines[1], /^\s*PID\s+PPID\s+%CPU\s+%MEM\s+RSS/);
  assert.equal(lines.length, 3);
  assert.equal(Number(lines[2].trim().split(/\s+/)[0]), allocator.pid);
  err = '';
  assert.equal(await main(['ps', 'no-such-container'], io), 1);
  assert.equal(err.trim().split('\n').length, 1, err);
  assert.match(err, /no container "no-such-container"/);
});
