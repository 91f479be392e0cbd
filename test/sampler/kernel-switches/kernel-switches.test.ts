// The fallback decisions of KernelSwitches, driven by small shell helpers that speak the
// helper's protocol (or fail as a real one can): the real BPF helper needs root and is covered
// by kernel-switches.integration.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelSwitches, cgroupIdOf } from '../../../src/sampler/kernel-switches/kernel-switches.js';
import { ID, SETUP, fakeHelper, recorder } from '../../support/fake-switches-helper.js';

test('no helper binary: /proc, with the reason, logged once', async () => {
  const { log, lines } = recorder();
  const k = new KernelSwitches({ setting: 'auto', binary: '/nonexistent/cgflux-switches', log });
  assert.equal(await k.start(), 'proc');
  assert.match(k.reason, /no helper binary at \/nonexistent\/cgflux-switches/);
  assert.equal(k.readAll(), undefined);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^info context switches counted from \/proc/);
});

test('method proc never starts the helper', async () => {
  const fake = fakeHelper(`touch "$0.started"; ${SETUP}; sleep 5`);
  try {
    const { log, lines } = recorder();
    const k = new KernelSwitches({ setting: 'proc', binary: fake.path, log });
    assert.equal(await k.start(), 'proc');
    assert.match(k.reason, /method is proc/);
    assert.equal(lines.length, 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(existsSync(`${fake.path}.started`), false, 'the helper binary was run');
  } finally {
    fake.cleanup();
  }
});

test('a helper that cannot load its program: /proc, with what it said; an error when kernel was asked for', async () => {
  const fake = fakeHelper('echo "error loading the BPF program: Operation not permitted"; exit 2');
  try {
    const { log, lines } = recorder();
    const k = new KernelSwitches({ setting: 'kernel', binary: fake.path, log });
    assert.equal(await k.start(), 'proc');
    assert.match(k.reason, /status 2\): loading the BPF program: Operation not permitted/);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^error collectors\.context_switches\.method is kernel/);
  } finally {
    fake.cleanup();
  }
});

test('a working helper: totals per cgroup id, names of removed cgroups, forget sent to the helper', async () => {
  const fake = fakeHelper(`${SETUP}
n=0
while read -r line <&3; do
  case $line in
    r) n=$((n + 1)); if [ $n = 1 ]; then printf 'n 77 ${ID}\\n' >&4; fi; printf '77 %d 3\\n1 9 9\\nend 0\\n' $((n * 10)) >&4 ;;
    d\\ *) echo "$line" >"$1/forgotten" ;;
  esac
done`);
  try {
    const { log, lines } = recorder();
    const k = new KernelSwitches({ setting: 'auto', binary: fake.path, log });
    assert.equal(await k.start(), 'kernel');
    assert.deepEqual(k.readAll()?.get(77n), { voluntary: 10n, involuntary: 3n });
    assert.deepEqual(k.readAll()?.get(77n), { voluntary: 20n, involuntary: 3n });
    assert.equal(k.cgroupIdOfContainer(ID), 77n);
    k.forget(77n, ID);
    assert.equal(k.cgroupIdOfContainer(ID), undefined);
    assert.equal(k.method, 'kernel');
    assert.deepEqual(lines.map((l) => l.split(' ')[0]), ['info']);
    k.close();
    assert.equal(k.method, 'proc');
  } finally {
    fake.cleanup();
  }
});

test('prefetch: the reply asked for at the start of a tick is the one readAll takes; one never taken is dropped, not served a tick late', async () => {
  // Each reply carries its request's number as the voluntary count.
  const fake = fakeHelper(`${SETUP}
n=0
while read -r line <&3; do
  case $line in
    r) n=$((n + 1)); printf '77 %d 0\\nend 0\\n' $n >&4 ;;
  esac
done`);
  try {
    const k = new KernelSwitches({ setting: 'auto', binary: fake.path, log: recorder().log });
    assert.equal(await k.start(), 'kernel');
    k.prefetch();
    assert.equal(k.readAll()?.get(77n)?.voluntary, 1n, 'the prefetched reply');
    assert.equal(k.readAll()?.get(77n)?.voluntary, 2n, 'without a prefetch: asked for then');
    k.prefetch(); // a tick in which nothing read it
    k.prefetch();
    assert.equal(k.readAll()?.get(77n)?.voluntary, 4n, 'reply 3 was taken and dropped');
    assert.equal(k.method, 'kernel');
    k.close();
  } finally {
    fake.cleanup();
  }
});

test('cgroups no container claims leave the kernel map after the grace; claimed ones stay', async () => {
  // Cgroup 77 is a container's (claimed every tick), cgroup 1 a systemd unit nobody asks for.
  const fake = fakeHelper(`${SETUP}
gone=""
while read -r line <&3; do
  case $line in
    r) out='77 5 1\\n'; case " $gone " in *" 1 "*) ;; *) out="$out"'1 9 9\\n' ;; esac; printf "\${out}end 0\\n" >&4 ;;
    d\\ *) gone="$gone \${line#d }" ;;
  esac
done`);
  try {
    const { log } = recorder();
    const k = new KernelSwitches({ setting: 'auto', binary: fake.path, log, unusedReads: 3 });
    assert.equal(await k.start(), 'kernel');
    const seen: boolean[] = [];
    for (let read = 0; read < 7; read++) {
      const counts = k.readAll();
      if (!counts) assert.fail(`read ${read}: no snapshot`);
      assert.ok(counts.has(77n), `read ${read}: the claimed cgroup is kept`);
      seen.push(counts.has(1n));
      k.claim(77n);
    }
    // Present while within the grace (first seen at read 1, forgotten after read 5), then gone.
    assert.deepEqual(seen, [true, true, true, true, true, false, false]);
    k.close();
  } finally {
    fake.cleanup();
  }
});

test('a helper that stops answering or dies: back to /proc with one warning, no throw', async () => {
  for (const [what, reply] of [
    ['silent', ':'],
    ['malformed', "printf 'garbage\\nend 0\\n' >&4"],
    ['exits', 'exit 0'],
  ] as const) {
    const fake = fakeHelper(`${SETUP}\nwhile read -r line <&3; do ${reply}; done`);
    try {
      const { log, lines } = recorder();
      const k = new KernelSwitches({ setting: 'auto', binary: fake.path, log, replyTimeoutMs: 300 });
      assert.equal(await k.start(), 'kernel', what);
      assert.equal(k.readAll(), undefined, what);
      assert.equal(k.method, 'proc', what);
      assert.equal(k.readAll(), undefined, what);
      assert.equal(lines.filter((l) => l.startsWith('warn')).length, 1, what);
      assert.ok(k.reason.length > 0);
    } finally {
      fake.cleanup();
    }
  }
});

test('cgroupIdOf: the inode number of a cgroup2 directory; undefined for any other directory or a gone one', () => {
  const root = existsSync('/sys/fs/cgroup/unified/cgroup.procs') ? '/sys/fs/cgroup/unified' : '/sys/fs/cgroup';
  // Every supported host has a cgroup2 hierarchy (v2, or v1 hybrid's unified one): fail, not skip.
  assert.ok(existsSync(`${root}/cgroup.procs`), `this test needs a cgroup2 hierarchy at ${root}`);
  assert.equal(cgroupIdOf(root), statSync(root, { bigint: true }).ino);
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-cgid-'));
  try {
    assert.equal(cgroupIdOf(dir), undefined, 'a plain directory is no cgroup');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(cgroupIdOf(join(root, 'cgflux-no-such-cgroup')), undefined);
});
