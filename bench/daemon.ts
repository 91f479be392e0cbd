// `npm run bench:daemon`: only the daemon process beside real containers, for working on its
// cost (the full `npm run bench` measures the same and more). Builds compared in one run share
// the machine's state of the moment; --cpu-prof writes V8 profiles of each run.
//   npm run bench:daemon -- --interval 10s --ticks 10 [--containers 50] [--rounds N]
//     [--cli other/dist/src/cli.js ...] [--node-args=--no-flush-bytecode ...] [--cpu-prof DIR]
//     [--side-by-side --windows 8]
// Every --cli is run with every --node-args ("" for none; the shipped NODE_FLAGS when not given),
// alternating, --rounds times; with --side-by-side all at once instead, each one's CPU printed per
// window of --ticks ticks (--windows of them, after --warmup seconds).
import { parseArgs } from 'node:util';
import { buildDist } from './lib/build.js';
import { BENCH_LABEL, removeBenchContainers, startBenchContainers } from './real/containers.js';
import { measureDaemonCpu } from './real/daemon-process.js';
import { NODE_FLAGS } from '../src/runtime-flags.js';
import { sideBySide } from './real/side-by-side.js';

const { values } = parseArgs({
  options: {
    interval: { type: 'string', default: '10s' },
    ticks: { type: 'string', default: '10' },
    warmup: { type: 'string' },
    containers: { type: 'string', default: '50' },
    cli: { type: 'string', multiple: true },
    'node-args': { type: 'string', multiple: true },
    rounds: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
    'side-by-side': { type: 'boolean', default: false },
    windows: { type: 'string', default: '8' },
  },
});
const intervalMs = Number(/^(\d+)s$/.exec(values.interval!)?.[1] ?? Number.NaN) * 1000;
if (!Number.isFinite(intervalMs)) throw new Error(`--interval: expected whole seconds like 10s, got "${values.interval}"`);
const ticks = Number(values.ticks);
const containers = Number(values.containers);
const warmupMs = values.warmup ? Number(values.warmup) * 1000 : Math.max(3 * intervalMs, 10_000);
const clis = values.cli ?? [undefined];
const nodeArgVariants = (values['node-args'] ?? [NODE_FLAGS.join(' ')]).map((v) => v.split(' ').filter(Boolean));

async function main(): Promise<void> {
  if (!values.cli) buildDist();
  process.stderr.write(`starting ${containers} containers\n`);
  await startBenchContainers(containers);
  try {
    if (values['side-by-side']) {
      const variants = clis.flatMap((cli) => nodeArgVariants.map((v) => ({ name: `${cli ?? 'dist/src/cli.js'}${v.length ? ` ${v.join(' ')}` : ''}`, cli, nodeArgs: v })));
      variants.forEach((v, i) => process.stdout.write(`[${i + 1}] ${v.name}\n`));
      const results = await sideBySide({
        variants, intervalMs, warmupMs, windowTicks: ticks, windows: Number(values.windows), label: `${BENCH_LABEL}=${process.pid}`,
        onWindow: (w, ms) => process.stdout.write(`window ${w} (${ticks} ticks): ${ms.map((v, i) => `[${i + 1}] ${v.toFixed(0)}`).join('  ')} ms\n`),
      });
      for (const [i, r] of results.entries()) process.stdout.write(`[${i + 1}] ${r.per_tick_ms.toFixed(2)} ms per tick (median window), ${((r.per_tick_ms * 1000) / containers).toFixed(1)} µs per container-sample\n`);
      return;
    }
    for (let r = 0; r < Number(values.rounds); r++) {
      // Builds alternate, so that each sees the same drift of the machine's load.
      for (const [cli, variant] of clis.flatMap((c) => nodeArgVariants.map((v) => [c, v] as const))) {
        const nodeArgs = [...variant, ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [])];
        const d = await measureDaemonCpu({ intervalMs, warmupMs, ticks, label: `${BENCH_LABEL}=${process.pid}`, containers, nodeArgs, cli });
        const main_ = d.per_tick_ms_by_thread.main;
        process.stdout.write(
          `${cli ?? 'dist/src/cli.js'}${variant.length ? ` ${variant.join(' ')}` : ''} at ${values.interval}: ${d.per_tick_ms.toFixed(2)} ms per tick, mean of ${d.ticks} (median ${d.per_tick_median_ms.toFixed(2)}; main ${main_.toFixed(2)}, helper ${(d.per_tick_ms_by_thread.helper ?? 0).toFixed(2)}), ` +
            `${d.us_per_container_sample.toFixed(1)} µs per container-sample, user/sys ${d.stat_user_ms}/${d.stat_sys_ms} ms, ` +
            `${d.minor_faults_per_tick.toFixed(0)} page faults per tick, RSS ${d.rss_mb.toFixed(0)} MB` +
            `${d.complaints.length ? `; said: ${d.complaints.slice(0, 2).join(' | ')}` : ''}\n` +
            `  per interval: ${d.per_tick_series_ms.map((v) => v.toFixed(1)).join(' ')} ms\n`,
        );
      }
    }
  } finally {
    await removeBenchContainers();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench:daemon failed: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
