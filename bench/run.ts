// `npm run bench`: what cgflux costs, measured on this machine in one run, against the raw-read
// floor and Docker's stats API; a synthetic 5,000-container host; encoding; end to end into
// VictoriaMetrics. Prints a table with PASS/MISS per target and writes bench/results.json
// (bench/results.<stages>.json for a run of some stages).
//   npm run bench                     everything (~12 min on 2 cores)
//   npm run bench -- --only real,encode   some stages (real, synthetic, encode, e2e, tasks, context-switches, top)
//   npm run bench -- --quick          fewer rounds, for trying the harness (figures not reportable)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchConfig } from './lib/cgflux.js';
import { currentLoad, machineInfo } from './lib/machine.js';
import { round } from './lib/stats.js';
import { runRealStage, type RealResult } from './stages/real.js';
import { runSyntheticStage, type SyntheticStageResult } from './stages/synthetic.js';
import type { SyntheticChildResult } from './synthetic/child.js';
import { describeReads, softLimitOf } from './synthetic/fd-budget.js';
import { measureEncoding, type EncodeResult } from './stages/encode.js';
import { sampleRows } from './stages/encode-samples.js';
import { runE2eStage, type E2eResult } from './stages/e2e.js';
import { runTopStage } from './stages/top.js';
import type { TopVsStatsResult } from './real/top-vs-stats.js';
import { runTasksStage, tasksRows, type TasksResult } from './stages/tasks.js';
import { contextSwitchesRows, runContextSwitchesStage, type ContextSwitchesResult } from './stages/context-switches.js';
import { checkTargets, verdict } from './targets.js';
import { preflight } from './lib/preflight.js';
import { num, table, targetsTable } from './report.js';

const STAGES = ['real', 'synthetic', 'encode', 'e2e', 'tasks', 'context-switches', 'top'] as const;
type Stage = (typeof STAGES)[number];

const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const only = new Set((values.only ?? STAGES.join(',')).split(',').map((s) => s.trim()) as Stage[]);
for (const s of only) if (!STAGES.includes(s)) throw new Error(`unknown stage "${s}": choose among ${STAGES.join(', ')}`);
const quick = values.quick ?? false;

const started = Date.now();
const log = (msg: string) => process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}\n`);

async function stage<T>(name: Stage, errors: Record<string, string>, fn: () => Promise<T>): Promise<T | undefined> {
  if (!only.has(name)) return undefined;
  log(`— ${name} —`);
  try {
    return await fn();
  } catch (err) {
    errors[name] = (err as Error).message;
    log(`${name} FAILED: ${(err as Error).stack ?? (err as Error).message}`);
    return undefined;
  }
}

function roundAll(value: unknown): unknown {
  if (typeof value === 'number') return round(value, Math.abs(value) >= 100 ? 0 : 3);
  if (Array.isArray(value)) return value.map(roundAll);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundAll(v)]));
  return value;
}

async function main(): Promise<number> {
  const gap = await preflight(only);
  if (gap) {
    process.stderr.write(`npm run bench: ${gap}\n`);
    return 2;
  }
  const errors: Record<string, string> = {};
  const config = benchConfig();

  const real: RealResult | undefined = await stage('real', errors, () =>
    runRealStage(config, { containers: 50, ticks: quick ? 40 : 200, perCollectorTicks: quick ? 20 : 60, statsRounds: quick ? 3 : 10, idleMs: quick ? 1000 : 2000, dockerSocket: config.docker.socket,
      daemonRuns: quick
        ? [{ intervalMs: 10_000, warmupMs: 15_000, ticks: 6 }, { intervalMs: 1000, warmupMs: 5000, ticks: 60 }]
        : // Steady state: the JIT's tier-up is counted in calls, so at 10 s it takes minutes (the
          // per-tick CPU still fell between ticks 20 and 30 of a run): 40 ticks of warm-up there.
          // Windows of whole minutes (three at 10 s, one at 1 s): the mean tick is the headline.
          [{ intervalMs: 10_000, warmupMs: 400_000, ticks: 18 }, { intervalMs: 1000, warmupMs: 40_000, ticks: 60 }] }, log),
  );
  const synthetic: SyntheticStageResult | undefined = await stage('synthetic', errors, () =>
    runSyntheticStage({ sizes: [1000, 5000], layouts: ['v1', 'v2'], ticks: quick ? 10 : 100, warmup: 5, timeoutMs: 400_000 }, log),
  );
  const encode: EncodeResult | undefined = await stage('encode', errors, async () => {
    const { samples, config: c } = await sampleRows(500);
    return measureEncoding(samples, c.host.hostname, c.tags, quick ? 3 : 7);
  });
  const e2e: E2eResult | undefined = await stage('e2e', errors, () => runE2eStage({ seconds: quick ? 2 : 5 }, log));
  const tasks: TasksResult | undefined = await stage('tasks', errors, () => runTasksStage(config, { containers: 20, ticks: quick ? 10 : 40 }, log));
  const contextSwitches: ContextSwitchesResult | undefined = await stage('context-switches', errors, () =>
    runContextSwitchesStage(config, { containers: 20, ticks: quick ? 10 : 60 }, log));
  const top: TopVsStatsResult | undefined = await stage('top', errors, () =>
    runTopStage({ containers: 50, rounds: quick ? 2 : 3, windowSeconds: quick ? 6 : 20, idleSeconds: quick ? 6 : 20, warmupSeconds: quick ? 4 : 90, statsWarmupSeconds: quick ? 4 : 10, dockerSocket: config.docker.socket }, log),
  );
  if (synthetic?.errors.length) errors.synthetic = synthetic.errors.join('; ');

  const layoutResult = (layout: 'v1' | 'v2') => synthetic?.layouts[layout];
  const pick = (r: SyntheticChildResult) => ({
    gather_median_ms: r.gather_median_ms,
    gather_p99_ms: r.gather_p99_ms,
    us_per_container_sample: r.us_per_container_sample,
    rss_mb: r.rss_mb,
    heap_live_mb: r.heap_live_mb,
    kept_open: r.kept_open,
    fallback_reads_per_tick: r.fallback_reads_per_tick,
    fallback_containers: r.fallback_containers,
  });
  const keyed = (layout: 'v1' | 'v2') => {
    const l = layoutResult(layout);
    return l ? Object.fromEntries(Object.entries(l.measured).map(([size, r]) => [size, pick(r)])) : undefined;
  };
  // 5,000 is measured directly; past the descriptor budget part of its reads are open/read/close.
  const v1 = layoutResult('v1');
  const direct5000 = v1?.measured['5000'];
  const basis5000 =
    direct5000 && direct5000.fallback_reads_per_tick > 0
      ? `measured; fd limit ${softLimitOf(direct5000.fd_limit)}: ${num(direct5000.fallback_reads_per_tick, 0)} reads/tick open/read/close`
      : undefined;
  const v2 = layoutResult('v2');
  const checks = checkTargets({
    daemon_ratio_10s: real?.daemon_ratio_vs_stats_api['10s'],
    daemon_ratio_1s: real?.daemon_ratio_vs_stats_api['1s'],
    daemon_tick_10s_vs_1s: real?.daemon_tick_cost_vs_shortest['10s'],
    synthetic1000: v1?.measured['1000'],
    synthetic5000v2: v2?.measured['5000'],
    synthetic1000v2: v2?.measured['1000'],
    ratio_vs_floor: real?.ratio_vs_floor,
    ratio_vs_compiled_floor: real?.ratio_vs_compiled_floor,
    ratio_vs_stats_api: real?.ratio_vs_stats_api,
    synthetic5000: direct5000,
    synthetic5000Basis: basis5000,
    ratio_top_vs_docker_stats: top?.ratio,
  });

  const results = roundAll({
    date: new Date(started).toISOString(),
    duration_s: (Date.now() - started) / 1000,
    quick,
    machine: { ...machineInfo(), load_average_at_end: currentLoad() },
    daemon_us_per_container_sample: real && Object.fromEntries(Object.entries(real.daemon).map(([k, d]) => [k, d.us_per_container_sample])),
    daemon_per_tick_ms: real && Object.fromEntries(Object.entries(real.daemon).map(([k, d]) => [k, d.per_tick_ms])),
    daemon_ratio_vs_stats_api: real?.daemon_ratio_vs_stats_api,
    us_per_container_sample: real?.us_per_container_sample,
    floor_us_per_container_sample: real?.floor_us_per_container_sample,
    stats_api_us_per_container_sample: real?.stats_api_us_per_container_sample,
    ratio_vs_floor: real?.ratio_vs_floor,
    compiled_floor_us_per_container_sample: real?.compiled_floor_us_per_container_sample,
    ratio_vs_compiled_floor: real?.ratio_vs_compiled_floor,
    ratio_vs_stats_api: real?.ratio_vs_stats_api,
    real,
    synthetic: keyed('v1'),
    synthetic_v2: keyed('v2'),
    synthetic_details: synthetic,
    encode,
    e2e,
    tasks,
    context_switches: contextSwitches,
    ratio_top_vs_docker_stats: top?.ratio,
    top,
    targets: checks.map((c) => ({ ...c, verdict: verdict(c) })),
    errors,
  });
  // A run of some stages leaves the last complete run's results.json as it was.
  const partial = only.size < STAGES.length ? `.${[...only].join('+')}` : '';
  const out = fileURLToPath(new URL(`./results${partial}.json`, import.meta.url));
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');

  const rows: Array<Array<string | number>> = [];
  if (real) {
    for (const [key, d] of Object.entries(real.daemon)) {
      rows.push([`cgflux run at ${key} ×${d.containers}: CPU of all threads per tick`, `${num(d.per_tick_ms)} ms mean of ${d.ticks} (median ${num(d.per_tick_median_ms)}; main thread ${num(d.per_tick_ms_by_thread.main)}, others ${num(d.per_tick_ms_by_thread.other)}, helper process ${num(d.per_tick_ms_by_thread.helper ?? 0)})`]);
      rows.push([`cgflux run at ${key}: per container-sample, RSS`, `${num(d.us_per_container_sample)} µs, ${num(d.rss_mb, 0)} MB`]);
      rows.push([`cgflux run at ${key}: stats API ÷ cgflux`, `${num(real.daemon_ratio_vs_stats_api[key], 1)}×`]);
    }
    rows.push(['cgflux run: tick at 10 s ÷ tick at 1 s', `${num(real.daemon_tick_cost_vs_shortest['10s'])}×`]);
    rows.push(['real ×50: hot path CPU / container-sample (main thread, back to back)', `${num(real.us_per_container_sample)} µs`]);
    rows.push(['real ×50: raw-read floor (steady-state tick)', `${num(real.floor_us_per_container_sample)} µs (${num(real.files_per_container, 1)} files; first tick ${num(real.first_tick_files_per_container, 1)})`]);
    rows.push(['real ×50: the same reads 1 s apart (cold, as a deployed tick reads)', `${num(real.cold_floor_us_per_container_sample)} µs`]);
    rows.push(['real ×50: Docker stats API (dockerd+containerd+shims)', `${num(real.stats_api_us_per_container_sample, 0)} µs`]);
    rows.push(['  of which the 50 containers\' shims', `${num(real.stats_api_shims_us_per_container_sample, 0)} µs`]);
    rows.push(['real ×50: stats API client (this process)', `${num(real.stats_api_client_us_per_container_sample, 0)} µs`]);
    rows.push(['  same work apart: sampler.gather / encode', `${num(real.gather_us_per_container_sample)} / ${num(real.encode_us_per_container_sample)} µs`]);
    for (const c of real.per_collector) {
      rows.push([`  collector ${c.collector} alone (${num(c.files_per_container, 1)} files)`, `${num(c.us_per_container_sample)} µs, floor ${num(c.floor_us_per_container_sample)} µs`]);
    }
    rows.push(['compiled pread floor (same files, cc -O2)', real.compiled_floor_us_per_container_sample === undefined ? `— (${real.compiled_floor_note})` : `${num(real.compiled_floor_us_per_container_sample)} µs`]);
    rows.push(['ratio hot path ÷ compiled floor / ÷ readSync floor', `${num(real.ratio_vs_compiled_floor)}× / ${num(real.ratio_vs_floor)}×`]);
    rows.push(['ratio stats API ÷ hot path', `${num(real.ratio_vs_stats_api, 0)}×`]);
  }
  for (const layout of ['v1', 'v2'] as const) {
    const l = layoutResult(layout);
    if (l) rows.push([`synthetic ${layout}: descriptor budget`, `${l.kept_open_limit} kept open (fd limit ${softLimitOf(l.fd_limit)}), ${num(l.fds_per_container, 1)} per container: all files kept open up to ~${l.containers_kept_open} containers`]);
    for (const [size, r] of Object.entries(l?.measured ?? {})) {
      rows.push([`synthetic ${layout} ×${size}: tick median / p99`, `${num(r.gather_median_ms, 1)} / ${num(r.gather_p99_ms, 1)} ms`]);
      rows.push([`synthetic ${layout} ×${size}: CPU / container-sample, RSS`, `${num(r.us_per_container_sample)} µs, ${num(r.rss_mb, 0)} MB`]);
      rows.push([`synthetic ${layout} ×${size}: reads`, describeReads(r)]);
    }
  }
  if (encode) rows.push(['encode: cgflux / Point lines/s', `${num(encode.cgflux_lines_per_s, 0)} / ${num(encode.point_lines_per_s, 0)} (${num(encode.speedup, 1)}×)`]);
  if (e2e) rows.push(['end to end into VictoriaMetrics (spool on)', `${num(e2e.points_per_s, 0)} points/s`]);
  if (tasks) rows.push(...tasksRows(tasks, num));
  if (contextSwitches) rows.push(...contextSwitchesRows(contextSwitches, num));
  if (top) {
    const share = (r: TopVsStatsResult['top']) => `${num(r.percent_of_core, 2)}% of a core (client ${num(r.client_us / r.wall_s / 1e4, 2)}%)`;
    rows.push([`top, ${top.containers_watched} running, ${top.seconds} s: cgflux top (client + Docker)`, share(top.top)]);
    rows.push([`top, ${top.containers_watched} running, ${top.seconds} s: docker stats (client + Docker)`, share(top.docker_stats)]);
    rows.push([`top: Docker's idle CPU (all idle windows, subtracted from both)`, `${num(top.docker_idle_us_per_s / 1e4, 2)}% of a core`]);
    rows.push(['ratio docker stats ÷ cgflux top (all rounds)', `${num(top.ratio, 1)}× (rounds ${top.ratio_per_round.map((x) => num(x, 1)).join(', ')}; nothing subtracted: ${num(top.ratio_raw, 1)}×)`]);
  }
  process.stdout.write(`\n${table(['measure (medians)', 'value'], rows)}\n\n${targetsTable(checks)}\n\n`);
  for (const [name, message] of Object.entries(errors)) process.stdout.write(`stage ${name} FAILED: ${message.split('\n')[0]}\n`);
  process.stdout.write(`results: ${out} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  return Object.keys(errors).length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
