// Rates: the cumulative counters turned into per-second rates, per container.
import { byTime, containerVariable, dashboard, hostVariable, rate, row, table, timeseries, where } from './lib.js';
import type { Json } from './lib.js';

const SEL = `"host" =~ /^$host$/ AND "container_name" =~ /^$container$/`;
const CPU_TOTAL = `"cpu" = 'cpu-total'`;
const BY = ['host', 'container_name'];
const WHO = '$tag_container_name@$tag_host';

export function rates(): Json {
  return dashboard({
    uid: 'cgflux-rates',
    title: 'cgflux / Rates',
    description: 'Context switches, page faults, CPU throttling and OOM events per second, per container.',
    tags: ['rates'],
    variables: [hostVariable('docker_container_cpu'), containerVariable('docker_container_cpu')],
    panels: [
      row('Context switches'),
      timeseries({
        title: 'Voluntary context switches per second',
        description: 'A task gave up the CPU (waiting for I/O, a lock, a sleep). High values with low CPU mean a chatty or blocked workload.',
        unit: 'cps',
        min: 0,
        alias: `${WHO} ($tag_method)`,
        queries: [`SELECT ${rate('voluntary')} FROM "docker_container_context_switches" ${where(SEL)} ${byTime(...BY, 'method')}`],
      }),
      timeseries({
        title: 'Involuntary context switches per second',
        description: 'The kernel took the CPU away (time slice over, CFS throttling): a sign of CPU contention.',
        unit: 'cps',
        min: 0,
        alias: `${WHO} ($tag_method)`,
        queries: [`SELECT ${rate('involuntary')} FROM "docker_container_context_switches" ${where(SEL)} ${byTime(...BY, 'method')}`],
      }),
      row('Page faults'),
      timeseries({
        title: 'Minor page faults per second (pgfault − pgmajfault)',
        description: 'Served from memory without I/O: allocation and copy-on-write.',
        unit: 'short',
        min: 0,
        alias: WHO,
        queries: [
          `SELECT ${rate('pgfault')} - ${rate('pgmajfault')} FROM "docker_container_mem" ${where(SEL)} ${byTime(...BY)}`,
        ],
      }),
      timeseries({
        title: 'Major page faults per second',
        description: 'Needed disk I/O: pages read back from files or swap. Sustained values mean memory pressure.',
        unit: 'short',
        min: 0,
        alias: WHO,
        queries: [`SELECT ${rate('pgmajfault')} FROM "docker_container_mem" ${where(SEL)} ${byTime(...BY)}`],
      }),
      row('CPU throttling'),
      timeseries({
        title: 'Throttled periods, % of CFS periods',
        description: 'Share of 100 ms scheduler periods in which the container used its whole quota and had to wait.',
        unit: 'percent',
        min: 0,
        max: 100,
        alias: WHO,
        queries: [
          `SELECT ${rate('throttling_throttled_periods')} / ${rate('throttling_periods')} * 100 FROM "docker_container_cpu" ${where(SEL, CPU_TOTAL)} ${byTime(...BY)}`,
        ],
      }),
      timeseries({
        title: 'Throttled time, seconds per second',
        description: 'Time the container\'s tasks spent waiting for the next period: 0.5 = half a second of delay every second.',
        unit: 'short',
        min: 0,
        alias: WHO,
        queries: [
          `SELECT ${rate('throttling_throttled_time', 1e9)} FROM "docker_container_cpu" ${where(SEL, CPU_TOTAL)} ${byTime(...BY)}`,
        ],
      }),
      row('Out of memory'),
      timeseries({
        title: 'OOM events per interval',
        description: 'Increase of the cgroup OOM counter (memory.events oom on v2, oom_kill on v1).',
        unit: 'short',
        min: 0,
        alias: '$tag_container_name@$tag_host $col',
        queries: [
          `SELECT non_negative_difference(max("oom_events")) AS "oom", non_negative_difference(max("oom_kill")) AS "oom kill" FROM "docker_container_mem" ${where(SEL)} ${byTime(...BY)}`,
        ],
      }),
      table({
        title: 'OOM events reported by Docker',
        description: 'Docker `oom` events, newest first.',
        keepTime: true,
        queries: [
          `SELECT "container_name", "host", "message" FROM "docker_container_event" ${where(SEL, `"action" = 'oom'`)} ORDER BY time DESC LIMIT 100`,
        ],
      }),
    ],
  });
}
