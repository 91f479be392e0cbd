// Real container whose processes come and go: the context-switch counters must only grow.
// busybox has no way to start true threads, so short-lived processes exercise the same logic
// (every process is a thread-group of one thread; the collector keys everything by tid).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createContextSwitchesCollector } from '../../../src/sampler/collectors/context-switches.js';
import { ProcFiles } from '../../../src/sampler/proc-files.js';
import { parseTaskStatus } from '../../../src/sampler/parsers/proc-task-status.js';
import { removeContainer, startContainer, uniqueName } from '../../support/docker.js';
import { requireDocker } from '../../support/services.js';
import { realHarness } from './real-container.js';

const SAMPLES = 30;
let id = '';

before(async () => {
  await requireDocker();
});

after(async () => {
  if (id) await removeContainer(id);
});

/** What a naive reader gets: the sum over the threads alive right now (drops when one exits). */
function naiveSum(tasksFile: string): bigint {
  let sum = 0n;
  for (const tid of readFileSync(tasksFile, 'latin1').split('\n').filter(Boolean)) {
    try {
      sum += parseTaskStatus(readFileSync(`/proc/${tid}/status`, 'latin1'))?.voluntary ?? 0n;
    } catch {
      /* exited meanwhile */
    }
  }
  return sum;
}

test(`voluntary/involuntary never decrease over ${SAMPLES} samples while processes come and go`, async (t) => {
  id = await startContainer({
    name: uniqueName('ctxsw'),
    // a child shell of ~250 ms sleeping 100 times (voluntary switches), then a short-lived `(sleep 0.01)`
    script: "while true; do sh -c 'i=0; while [ $i -lt 100 ]; do usleep 2000; i=$((i+1)); done'; (sleep 0.01); done",
  });
  const h = await realHarness(id);
  const files = new ProcFiles();
  const collector = createContextSwitchesCollector({ files });
  const dirs = h.ctx.cgroup.dirs;
  const tasksFile = `${dirs.pids ?? dirs.cpu ?? dirs.memory}/tasks`;
  const samples: Array<{ voluntary: bigint; involuntary: bigint; threads: bigint; processes: bigint; naive: bigint }> = [];
  for (let i = 0; i < SAMPLES; i++) {
    const rows = h.collect(collector);
    assert.equal(rows.length, 1, `sample ${i}: ${JSON.stringify(h.errors.entries())}`);
    const f = rows[0].fields;
    samples.push({
      voluntary: f.voluntary as bigint, involuntary: f.involuntary as bigint,
      threads: f.threads as bigint, processes: f.processes as bigint, naive: naiveSum(tasksFile),
    });
    await new Promise((r) => setTimeout(r, 47));
  }
  const first = samples[0];
  const last = samples[SAMPLES - 1];
  t.diagnostic(`voluntary ${first.voluntary} → ${last.voluntary}, involuntary ${first.involuntary} → ${last.involuntary}`);
  t.diagnostic(`processes seen: ${[...new Set(samples.map((s) => s.processes))].join(', ')}; naive sums: ${samples.map((s) => s.naive).join(' ')}`);

  for (let i = 1; i < SAMPLES; i++) {
    assert.ok(samples[i].voluntary >= samples[i - 1].voluntary, `voluntary went down at sample ${i}`);
    assert.ok(samples[i].involuntary >= samples[i - 1].involuntary, `involuntary went down at sample ${i}`);
    assert.ok(samples[i].threads >= 1n && samples[i].processes >= 1n, `sample ${i}: no task listed`);
  }
  assert.ok(last.voluntary - first.voluntary >= 200n, `only ${last.voluntary - first.voluntary} voluntary switches in ~1.5 s`);
  // proof that processes exited between samples (what the monotonic logic is for)
  assert.ok(samples.some((s, i) => i > 0 && s.naive < samples[i - 1].naive), 'the naive per-tick sum never dropped: no churn seen');
  assert.ok(samples.every((s) => s.processes >= 2n), 'the loop shell and its current child');
  assert.equal(h.errors.total(), 0, JSON.stringify(h.errors.entries()));
  assert.ok(files.openCount <= Number(last.threads) + 2, `descriptors of exited tasks kept: ${files.openCount} open`);

  h.leave(collector);
  assert.equal(files.openCount, 0);
});
