// `cgflux top` as a person uses it: in a real terminal (a private tmux server), on real
// containers. What is checked is what is on the screen, and that the shell works afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, removeContainer, removeTestContainers, startContainer, waitFor } from '../support/docker.js';
import { requireDocker } from '../support/services.js';
import { TmuxPane } from '../support/tmux.js';

const tag = `cgtop${process.pid}x${Math.random().toString(36).slice(2, 6)}`;
const busy = `${tag}-zz-busy`;
const idle = `${tag}-aa-idle`;
const late = `${tag}-mm-late`;
const CLI = join(process.cwd(), 'src/cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'cgflux-top-'));
const top = (extra = '') => `node --import tsx ${CLI} top --interval 500ms --filter ${tag} ${extra}`;

const rowOf = (lines: string[], name: string) => lines.findIndex((l) => l.startsWith(name));
/**
 * The screen is a frame top drew for a terminal narrower than its keys line: that line ends with
 * top's ellipsis. Right after a resize tmux shows the old frame cut at the new width (no
 * ellipsis) until top redraws, and on a slow machine a capture can land in between.
 */
const redrawnNarrow = (lines: string[]) => lines.some((l) => l.startsWith('q quit') && l.endsWith('…'));
const shows = (name: string) => (lines: string[]) => rowOf(lines, name) >= 0;

/**
 * top said EXIT=0, the primary screen and the cursor are back, and the shell runs a command in
 * cooked mode with echo on (raw mode undone). Returns the screen after the exit.
 */
async function exitedAndRestored(pane: TmuxPane, how: string): Promise<string[]> {
  const lines = await pane.waitForScreen(`top exits 0 on ${how}`, 20_000, (l) => l.some((x) => x.includes('EXIT=0')));
  assert.equal(await pane.display('#{alternate_on}'), '0');
  assert.equal(await pane.display('#{cursor_flag}'), '1');
  await pane.type('stty -a | tr " " "\\n" | grep -x -e icanon -e echo | tr "\\n" +; echo " $((6*7))"', true);
  await pane.waitForScreen('a working shell', 10_000, (l) => l.some((x) => x.includes('icanon+echo+ 42')));
  return lines;
}

before(async () => {
  await requireDocker();
  await startContainer({ name: busy, script: 'while :; do :; done' });
  await startContainer({ name: idle });
});

after(async () => {
  await removeTestContainers();
  rmSync(dir, { recursive: true, force: true });
});

test('the rows are there, sort keys reorder them, containers come and go, q exits 0 and the shell works', async () => {
  const pane = await TmuxPane.start(160, 30);
  try {
    await pane.type(`${top()}; echo "EXIT=$?"`, true);
    let lines = await pane.waitForScreen('both containers with a CPU figure', 30_000, (l) => shows(busy)(l) && shows(idle)(l) && /\d+\.\d+%/.test(l[rowOf(l, busy)]));
    assert.equal(await pane.display('#{alternate_on}'), '1');
    assert.match(lines[1], /^NAME +CPU% +CPU%LIM +MEM USAGE \/ LIMIT +NET RX\/s +NET TX\/s +BLK R\/s +BLK W\/s +CTX\/s +FLT\/s +PIDS$/);
    // Sorted by CPU: the busy loop first.
    assert.ok(rowOf(lines, busy) < rowOf(lines, idle), lines.join('\n'));

    await pane.type('n');
    lines = await pane.waitForScreen('sorted by name', 10_000, (l) => l[0].includes('sort: name') && rowOf(l, idle) >= 0 && rowOf(l, idle) < rowOf(l, busy));
    await pane.type('n');
    await pane.waitForScreen('name order reversed', 10_000, (l) => l[0].includes('(reversed)') && rowOf(l, busy) < rowOf(l, idle));
    await pane.type('c');

    await startContainer({ name: late });
    await pane.waitForScreen('the container started while top runs', 20_000, shows(late));
    await removeContainer(idle);
    lines = await pane.waitForScreen('the removed container gone', 20_000, (l) => !shows(idle)(l) && shows(busy)(l));
    assert.ok(shows(late)(lines));

    // Selecting a container (the busy one leads by CPU) and opening its processes, then back.
    await pane.keys('Down', 'Enter');
    lines = await pane.waitForScreen('the busy loop among its processes, with its CPU share', 15_000, (l) => {
      const row = l.find((x) => /while :; do :; done/.test(x));
      const cpu = row && /^\s*\d+\s+(\d+\.\d+)%/.exec(row);
      return Boolean(cpu && Number(cpu[1]) > 10);
    });
    assert.ok(lines.some((x) => x.startsWith(`processes of ${busy}`)), lines.join('\n'));
    assert.match(lines.find((x) => x.includes('COMMAND')) ?? '', /^\s*PID\s+CPU%\s+RSS\s+THR\s+S\s+COMMAND$/);
    await pane.keys('Escape');
    await pane.waitForScreen('back to the list', 10_000, (l) => l[1]?.startsWith('NAME'));

    await pane.type('q');
    lines = await exitedAndRestored(pane, 'q');
    // The alternate screen is left: the command line typed before is on the screen again.
    assert.ok(lines.some((l) => l.includes('top --interval 500ms')));
  } finally {
    await pane.close();
  }
});

test('a narrow terminal drops columns by priority, never wraps, and Ctrl-C restores the terminal', async () => {
  const pane = await TmuxPane.start(160, 20);
  try {
    await pane.type(`${top()}; echo "EXIT=$?"`, true);
    await pane.waitForScreen('the rows', 30_000, (l) => shows(busy)(l) && l[1].includes('PIDS') && l[1].includes('BLK W/s'));
    const beforeResize = await pane.screen();
    assert.equal(beforeResize.filter((l) => l.startsWith(tag)).length, 2);
    await pane.resize(60, 20);
    const lines = await pane.waitForScreen('fewer columns', 10_000, (l) => redrawnNarrow(l) && l[1].startsWith('NAME') && !l[1].includes('BLK W/s'));
    assert.match(lines[1], /^NAME +CPU% +MEM USAGE \/ LIMIT/);
    assert.ok(!lines[1].includes('NET RX/s'));
    // One screen row per container row: nothing wrapped onto the next line.
    const body = lines.slice(2).filter((l) => l.trim() !== '' && !l.startsWith('q quit'));
    assert.equal(body.length, 2, lines.join('\n'));
    for (const l of body) assert.ok(l.startsWith(tag.slice(0, 10)), `a wrapped or garbled row: "${l}"`);
    await pane.resize(24, 20);
    const tiny = await pane.waitForScreen('only the most important columns', 10_000, (l) => redrawnNarrow(l) && l[0].length <= 24 && l[1].startsWith('NAME') && !l[1].includes('MEM'));
    // Only whole column names are left (NAME, then CPU% if it fits): nothing cut mid-name.
    assert.match(tiny[1], /^NAME( +CPU%)?\s*$/);
    assert.ok(tiny.slice(2).some((l) => l.startsWith(tag.slice(0, 10))), tiny.join('\n'));

    await pane.keys('C-c');
    await exitedAndRestored(pane, 'Ctrl-C');
  } finally {
    await pane.close();
  }
});

test('a terminal that closes ends top quietly (no stack trace)', async () => {
  const pane = await TmuxPane.start(120, 20);
  const pidFile = join(dir, 'pid');
  const errFile = join(dir, 'stderr');
  try {
    await pane.type(`echo $$ > ${pidFile}; exec ${top()} 2>${errFile}`, true);
    await pane.waitForScreen('the rows', 30_000, shows(busy));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await pane.close();
    await waitFor('top to exit after its terminal closed', 10_000, () => !existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] === 'Z');
    assert.equal(readFileSync(errFile, 'utf8'), '');
  } finally {
    await pane.close();
  }
});

test('--no-stream through a pipe prints one plain frame and exits 0', async () => {
  const out = await docker('ps', '--filter', `name=${tag}`, '--format', '{{.Names}}');
  assert.ok(out.includes(busy));
  const { execFile } = await import('node:child_process');
  const text = await new Promise<string>((resolve, reject) =>
    execFile('node', ['--import', 'tsx', CLI, 'top', '--no-stream', '--gap', '300ms', '--filter', tag, '--sort', 'name'], (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0], /^cgflux top — (\d+ of )?\d+ containers · sort: name/);
  assert.match(lines[1], /^NAME +CPU%/);
  assert.ok(lines.length > 2, text);
  assert.ok(lines.slice(2).every((l) => l.startsWith(tag)), text);
  assert.ok(!text.includes('\x1b'), 'no escape sequences in plain output');
});
