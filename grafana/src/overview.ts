// Hosts overview: how busy each host is and which containers use it.
import { byTime, dashboard, hostVariable, rate, row, stat, table, tagMatches, timeseries, where } from './lib.js';
import type { Json } from './lib.js';

const HOST = tagMatches('host');
const CPU_TOTAL = `"cpu" = 'cpu-total'`;
const RUNNING = `"state" = 'running'`;

export function hostsOverview(): Json {
  return dashboard({
    uid: 'cgflux-hosts-overview',
    title: 'cgflux / Hosts overview',
    description: 'Host CPU and memory, containers running, and the containers using the most CPU, memory, network and disk I/O.',
    tags: ['overview'],
    variables: [hostVariable('host_cpu')],
    panels: [
      row('Hosts'),
      stat({
        title: 'Containers running',
        description: 'Containers that reported the state running in each interval (the last interval is the current count).',
        queries: [
          `SELECT count("uptime") FROM (SELECT last("uptime_ns") AS "uptime" FROM "docker_container_status" ${where(HOST, RUNNING)} ${byTime('host', 'container_name')}) ${where()} GROUP BY time($__interval) fill(none)`,
        ],
      }),
      stat({
        title: 'Host CPU used',
        unit: 'percent',
        min: 0,
        max: 100,
        queries: [`SELECT mean("usage_percent") FROM "host_cpu" ${where(HOST)} GROUP BY time($__interval) fill(none)`],
      }),
      stat({
        title: 'Host memory used',
        unit: 'percent',
        min: 0,
        max: 100,
        queries: [`SELECT mean("used_percent") FROM "host_mem" ${where(HOST)} GROUP BY time($__interval) fill(none)`],
      }),
      stat({
        title: 'Online CPUs',
        calc: 'lastNotNull',
        queries: [
          `SELECT sum("cpus") FROM (SELECT last("online_cpus") AS "cpus" FROM "host_cpu" ${where(HOST)} ${byTime('host')}) ${where()} GROUP BY time($__interval) fill(none)`,
        ],
      }),
      timeseries({
        title: 'Host CPU used (% of all CPUs)',
        unit: 'percent',
        min: 0,
        alias: '$tag_host',
        queries: [`SELECT mean("usage_percent") FROM "host_cpu" ${where(HOST)} ${byTime('host')}`],
      }),
      timeseries({
        title: 'Host CPU by mode (CPUs busy)',
        description: 'Seconds of CPU time per second, summed over all CPUs: 2 means two CPUs fully busy.',
        unit: 'short',
        stack: true,
        alias: '$tag_host $col',
        queries: [
          `SELECT ${rate('user', 1e9)} AS "user", ${rate('system', 1e9)} AS "system", ${rate('iowait', 1e9)} AS "iowait", ${rate('steal', 1e9)} AS "steal", ${rate('softirq', 1e9)} AS "softirq" FROM "host_cpu" ${where(HOST)} ${byTime('host')}`,
        ],
      }),
      timeseries({
        title: 'Host memory',
        unit: 'bytes',
        min: 0,
        alias: '$tag_host $col',
        queries: [
          `SELECT mean("used") AS "used", mean("cached") AS "cached", mean("total") AS "total" FROM "host_mem" ${where(HOST)} ${byTime('host')}`,
        ],
      }),
      timeseries({
        title: 'Host swap used',
        unit: 'bytes',
        min: 0,
        alias: '$tag_host',
        queries: [`SELECT mean("swap_total") - mean("swap_free") FROM "host_mem" ${where(HOST)} ${byTime('host')}`],
      }),
      table({
        title: 'Container states (last reported)',
        description:
          'State of every container cgflux reports: running, paused, restarting, exited, created or dead. Stopped containers are listed only when docker.states includes their state (default: running only).',
        w: 24,
        h: 8,
        columnUnits: { finished_at: 'dateTimeAsIso', restarts: 'short', exit_code: 'short' },
        queries: [
          `SELECT last("state") AS "state", last("exitcode") AS "exit_code", last("restart_count") AS "restarts", last("oomkilled") AS "oom_killed", last("finished_at") / 1000000 AS "finished_at" FROM "docker_container_status" ${where(HOST)} GROUP BY "host", "container_name"`,
        ],
      }),
      row('Top containers'),
      table({
        title: 'Top 10 containers by CPU (mean over the range)',
        description: '100 % = one CPU. Limit is in CPUs.',
        sortBy: 'cpu',
        limit: 10,
        columnUnits: { cpu: 'percent', peak: 'percent', limit_cpus: 'short' },
        queries: [
          `SELECT mean("usage_percent") AS "cpu", max("usage_percent") AS "peak", last("limit_cpus") AS "limit_cpus" FROM "docker_container_cpu" ${where(HOST, CPU_TOTAL)} GROUP BY "host", "container_name"`,
        ],
      }),
      table({
        title: 'Top 10 containers by memory (working set, last)',
        sortBy: 'working_set',
        limit: 10,
        columnUnits: { working_set: 'bytes', limit: 'bytes', usage_percent: 'percent' },
        queries: [
          `SELECT last("working_set") AS "working_set", last("limit") AS "limit", last("usage_percent") AS "usage_percent" FROM "docker_container_mem" ${where(HOST)} GROUP BY "host", "container_name"`,
        ],
      }),
      timeseries({
        title: 'CPU per container (100 % = one CPU)',
        unit: 'percent',
        min: 0,
        alias: '$tag_container_name@$tag_host',
        queries: [`SELECT mean("usage_percent") FROM "docker_container_cpu" ${where(HOST, CPU_TOTAL)} ${byTime('host', 'container_name')}`],
      }),
      timeseries({
        title: 'Memory working set per container',
        unit: 'bytes',
        min: 0,
        alias: '$tag_container_name@$tag_host',
        queries: [`SELECT mean("working_set") FROM "docker_container_mem" ${where(HOST)} ${byTime('host', 'container_name')}`],
      }),
      timeseries({
        title: 'Network received per container',
        unit: 'Bps',
        min: 0,
        alias: '$tag_container_name@$tag_host',
        queries: [`SELECT ${rate('rx_bytes')} FROM "docker_container_net" ${where(HOST, `"network" = 'total'`)} ${byTime('host', 'container_name')}`],
      }),
      timeseries({
        title: 'Network sent per container',
        unit: 'Bps',
        min: 0,
        alias: '$tag_container_name@$tag_host',
        queries: [`SELECT ${rate('tx_bytes')} FROM "docker_container_net" ${where(HOST, `"network" = 'total'`)} ${byTime('host', 'container_name')}`],
      }),
      timeseries({
        title: 'Disk read per container',
        unit: 'Bps',
        min: 0,
        alias: '$tag_container_name@$tag_host',
        queries: [
          `SELECT ${rate('io_service_bytes_recursive_read')} FROM "docker_container_blkio" ${where(HOST, `"device" = 'total'`)} ${byTime('host', 'container_name')}`,
        ],
      }),
      timeseries({
        title: 'Disk write per container',
        unit: 'Bps',
        min: 0,
        alias: '$tag_container_name@$tag_host',
        queries: [
          `SELECT ${rate('io_service_bytes_recursive_write')} FROM "docker_container_blkio" ${where(HOST, `"device" = 'total'`)} ${byTime('host', 'container_name')}`,
        ],
      }),
      row('cgflux itself'),
      timeseries({
        title: 'Tick duration',
        description: 'Wall time of the last tick (sampling every container and encoding). Near the interval means ticks get skipped.',
        unit: 's',
        min: 0,
        alias: '$tag_host',
        queries: [`SELECT max("tick_duration_seconds") FROM "cgflux_internal" ${where(HOST)} ${byTime('host')}`],
      }),
      timeseries({
        title: 'Points written / dropped per second, per output',
        description: 'Dropped points are split by reason (e.g. rejected by the database, spool full).',
        unit: 'short',
        min: 0,
        alias: '$tag_host $tag_output $tag_reason $col',
        queries: [
          `SELECT ${rate('points_written')} AS "written" FROM "cgflux_internal" ${where(HOST, `"output" != ''`)} ${byTime('host', 'output')}`,
          `SELECT ${rate('points_dropped')} AS "dropped" FROM "cgflux_internal" ${where(HOST, `"output" != ''`)} ${byTime('host', 'output', 'reason')}`,
        ],
      }),
    ],
  });
}
