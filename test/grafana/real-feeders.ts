// Test containers that give every dashboard panel something real to show (all `--network none`):
// limits + healthcheck + compose labels, direct-I/O writes on a throttled disk (per-device blkio),
// ping on lo (per-interface network, include_loopback), and an OOM kill loop (oom counters and
// Docker's `oom` events).
import { docker, startContainer, uniqueName, waitFor } from '../support/docker.js';
import { dockerDataDisk } from '../sampler/collectors/real-container.js';

export interface Feeders {
  names: { limited: string; disk: string; ping: string; oom: string };
  ids: string[];
  /** The disk the writer's I/O is counted on (`maj:min`, `sda`). */
  disk: { majMin: string; name: string };
}

export const COMPOSE = { project: 'dash', service: 'limited' };
export const LIMITS = { memory: 64 * 1024 * 1024, cpus: 0.5, pids: 50 };
export const OOM_LIMIT = 16 * 1024 * 1024;
const OOM_ROUNDS_DONE = 'oom rounds done';

export async function startFeeders(started: string[]): Promise<Feeders> {
  const disk = await dockerDataDisk();
  const names = { limited: uniqueName('dash-limited'), disk: uniqueName('dash-disk'), ping: uniqueName('dash-ping'), oom: uniqueName('dash-oom') };
  const track = async (p: Promise<string>) => {
    const id = await p;
    started.push(id);
    return id;
  };
  await Promise.all([
    track(startContainer({
      name: names.limited,
      labels: { 'com.docker.compose.project': COMPOSE.project, 'com.docker.compose.service': COMPOSE.service },
      flags: ['--memory', '64m', '--cpus', String(LIMITS.cpus), '--pids-limit', String(LIMITS.pids), '--health-cmd', 'true', '--health-interval', '1s'],
      script: 'while :; do i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 0.2; done',
    })),
    // On blk-mq (scheduler `none`) v1 blkio counts only under a throttle rule: a 10 GB/s one.
    track(startContainer({
      name: names.disk,
      flags: ['--device-write-bps', `${disk.devPath}:10gb`, '--device-read-bps', `${disk.devPath}:10gb`],
      script: 'while :; do dd if=/dev/zero of=/tmp/f bs=1M count=8 oflag=direct 2>/dev/null; dd if=/tmp/f of=/dev/null bs=1M iflag=direct 2>/dev/null; sleep 0.5; done',
    })),
    track(startContainer({ name: names.ping, script: 'ping -c 1000 -i 0.2 127.0.0.1 >/dev/null; sleep 600' })),
    // Each round's subshell is OOM-killed (the sampler integration test's recipe). Its oom_score_adj
    // of 1000 makes it the victim every time: otherwise the killer sometimes picks the container's
    // own shell (pid 1), the container dies after one OOM and its counters stop.
    // Four rounds, after the daemon's first reading, then it says so (waitForOomRounds). Docker
    // emits an `oom` event per v1 oom_control notification: 9 to 150 for the four rounds, measured
    // back to back. The late container starts after them, or its die (with the exit code) could
    // fall out of the Events table's newest 200.
    track(startContainer({
      name: names.oom,
      flags: ['--memory', '16m'],
      script: `sleep 5; i=0; while [ $i -lt 4 ]; do (echo 1000 >/proc/self/oom_score_adj; x=$(head -c 64m /dev/zero | tr "\\0" a)); i=$((i+1)); sleep 1; done; echo ${OOM_ROUNDS_DONE}; sleep 600`,
    })),
  ]);
  return { names, ids: started, disk: { majMin: disk.majMin, name: disk.name } };
}

/** Resolves once the OOM container's rounds are over: Docker sends no more `oom` events for it. */
export async function waitForOomRounds(f: Feeders, timeoutMs: number): Promise<void> {
  await waitFor('the OOM rounds to end', timeoutMs, async () => (await docker('logs', f.names.oom)).includes(OOM_ROUNDS_DONE) || undefined);
}
