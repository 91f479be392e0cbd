// Container detail: every measurement family of one container (or a few), with its events.
import { RAW_DS, byTime, containerVariable, dashboard, hostVariable, rate, row, stat, table, timeseries, where } from './lib.js';
import type { Json } from './lib.js';

const SEL = `"host" =~ /^$host$/ AND "container_name" =~ /^$container$/`;
const CPU_TOTAL = `"cpu" = 'cpu-total'`;
const BY = ['host', 'container_name'];
const WHO = '$tag_container_name';

const eventsQuery = `SELECT "action", "exit_code", "message" FROM "docker_container_event" ${where(SEL)}`;

const PROCESS_BY = ['container_name', 'process', 'instance'].map((t) => `"${t}"`).join(', ');

/** docker_container_process (opt-in collectors.processes): empty when the collector is off. */
function processTables(): Json[] {
  const common = { w: 12, h: 9, limit: 10, columnUnits: { cpu: 'percent', 'cpu max': 'percent', rss: 'bytes', 'rss max': 'bytes' } as const };
  return [
    table({
      ...common,
      title: 'Top processes by CPU over the range',
      description: 'From docker_container_process (collectors.processes: on): the top N by CPU and by memory of every tick. CPU 100 % = one CPU. A process name is shown once per instance (same name, same tick).',
      sortBy: 'cpu',
      queries: [`SELECT mean("cpu_percent") AS "cpu", max("cpu_percent") AS "cpu max", last("rss") AS "rss", last("pid") AS "pid" FROM "docker_container_process" ${where(SEL)} GROUP BY ${PROCESS_BY}`],
    }),
    table({
      ...common,
      title: 'Top processes by memory over the range',
      description: 'Largest resident set size (RSS) seen over the range, per process name and instance.',
      sortBy: 'rss max',
      queries: [`SELECT max("rss") AS "rss max", last("rss") AS "rss", mean("cpu_percent") AS "cpu", last("pid") AS "pid" FROM "docker_container_process" ${where(SEL)} GROUP BY ${PROCESS_BY}`],
    }),
  ];
}

export function containerDetail(): Json {
  return dashboard({
    uid: 'cgflux-container-detail',
    title: 'cgflux / Container detail',
    description: 'Every metric cgflux collects for the chosen container(s): CPU, memory, block I/O, network, context switches, processes, pids, PSI, status, health and events.',
    tags: ['container'],
    variables: [hostVariable('docker_container_cpu'), containerVariable('docker_container_cpu', RAW_DS, false)],
    annotations: [
      {
        name: 'Container events',
        datasource: RAW_DS,
        enable: true,
        iconColor: 'orange',
        query: eventsQuery,
        titleColumn: 'action',
        textColumn: 'message',
        tagsColumn: 'action',
        target: { refId: 'Anno', query: eventsQuery, rawQuery: true, resultFormat: 'table' },
      },
    ],
    panels: [
      row('Status'),
      stat({
        title: 'Uptime',
        unit: 'ns',
        queries: [`SELECT last("uptime_ns") FROM "docker_container_status" ${where(SEL)} ${byTime(...BY)}`],
        alias: WHO,
      }),
      stat({
        title: 'Restarts',
        queries: [`SELECT last("restart_count") FROM "docker_container_status" ${where(SEL)} ${byTime(...BY)}`],
        alias: WHO,
      }),
      stat({
        title: 'OOM events in range',
        description: 'Increase of the cgroup OOM counter over the time range.',
        calc: 'sum',
        queries: [`SELECT non_negative_difference(max("oom_events")) FROM "docker_container_mem" ${where(SEL)} ${byTime(...BY)}`],
        alias: WHO,
      }),
      stat({
        title: 'Health failing streak',
        description: 'Consecutive failed healthchecks (only containers with a HEALTHCHECK report this).',
        queries: [`SELECT last("failing_streak") FROM "docker_container_health" ${where(SEL)} ${byTime(...BY)}`],
        alias: WHO,
      }),
      table({
        title: 'Status (last)',
        w: 12,
        h: 6,
        columnUnits: { uptime: 'ns' },
        queries: [
          `SELECT last("pid") AS "pid", last("exitcode") AS "exitcode", last("oomkilled") AS "oomkilled", last("restart_count") AS "restarts", last("uptime_ns") AS "uptime", last("container_id") AS "container_id" FROM "docker_container_status" ${where(SEL)} GROUP BY ${BY.map((t) => `"${t}"`).join(', ')}`,
          `SELECT last("health_status") AS "health", last("failing_streak") AS "failing_streak" FROM "docker_container_health" ${where(SEL)} GROUP BY ${BY.map((t) => `"${t}"`).join(', ')}`,
        ],
      }),
      table({
        title: 'Events',
        w: 12,
        h: 6,
        description: 'Docker events of the container (start, die, oom, kill, restart, health_status …), newest first.',
        keepTime: true,
        queries: [eventsQuery + ' ORDER BY time DESC LIMIT 200'],
      }),
      row('CPU'),
      timeseries({
        title: 'CPU used (100 % = one CPU) and limit',
        unit: 'percent',
        min: 0,
        alias: '$tag_container_name $col',
        queries: [
          `SELECT mean("usage_percent") AS "used", mean("limit_cpus") * 100 AS "limit" FROM "docker_container_cpu" ${where(SEL, CPU_TOTAL)} ${byTime(...BY)}`,
        ],
      }),
      timeseries({
        title: 'CPU used, % of its limit',
        description: '100 % = the container uses its whole CPU quota (or all CPUs of its cpuset). Empty when unlimited.',
        unit: 'percent',
        min: 0,
        alias: WHO,
        queries: [`SELECT mean("usage_percent_of_limit") FROM "docker_container_cpu" ${where(SEL, CPU_TOTAL)} ${byTime(...BY)}`],
      }),
      timeseries({
        title: 'CPU user / kernel (CPUs busy)',
        unit: 'short',
        stack: true,
        alias: '$tag_container_name $col',
        queries: [
          `SELECT ${rate('usage_in_usermode', 1e9)} AS "user", ${rate('usage_in_kernelmode', 1e9)} AS "kernel" FROM "docker_container_cpu" ${where(SEL, CPU_TOTAL)} ${byTime(...BY)}`,
        ],
      }),
      timeseries({
        title: 'CPU throttling',
        description: 'Share of CFS periods in which the container hit its quota and had to wait (throttled time: see the Rates dashboard).',
        unit: 'percent',
        min: 0,
        alias: '$tag_container_name $col',
        queries: [
          `SELECT ${rate('throttling_throttled_periods')} / ${rate('throttling_periods')} * 100 AS "throttled periods" FROM "docker_container_cpu" ${where(SEL, CPU_TOTAL)} ${byTime(...BY)}`,
        ],
      }),
      row('Memory'),
      timeseries({
        title: 'Memory: working set, RSS, cache, swap, limit',
        unit: 'bytes',
        min: 0,
        alias: '$tag_container_name $col',
        queries: [
          `SELECT mean("working_set") AS "working set", mean("rss") AS "rss", mean("cache") AS "cache", mean("swap") AS "swap", mean("limit") AS "limit" FROM "docker_container_mem" ${where(SEL)} ${byTime(...BY)}`,
        ],
      }),
      timeseries({
        title: 'Memory used, % of limit',
        unit: 'percent',
        min: 0,
        alias: WHO,
        queries: [`SELECT mean("usage_percent") FROM "docker_container_mem" ${where(SEL)} ${byTime(...BY)}`],
      }),
      timeseries({
        title: 'Page faults per second',
        description: 'Minor faults = pgfault − pgmajfault; major faults needed disk I/O.',
        unit: 'short',
        min: 0,
        alias: '$tag_container_name $col',
        queries: [
          `SELECT ${rate('pgfault')} - ${rate('pgmajfault')} AS "minor", ${rate('pgmajfault')} AS "major" FROM "docker_container_mem" ${where(SEL)} ${byTime(...BY)}`,
        ],
      }),
      timeseries({
        title: 'Memory: active / inactive, mapped',
        unit: 'bytes',
        min: 0,
        alias: '$tag_container_name $col',
        queries: [
          `SELECT mean("active_anon") AS "active_anon", mean("inactive_anon") AS "inactive_anon", mean("active_file") AS "active_file", mean("inactive_file") AS "inactive_file", mean("mapped_file") AS "mapped_file" FROM "docker_container_mem" ${where(SEL)} ${byTime(...BY)}`,
        ],
      }),
      row('Block I/O'),
      timeseries({
        title: 'Disk bytes per second, per device',
        unit: 'Bps',
        min: 0,
        alias: '$tag_container_name $tag_device_name $col',
        queries: [
          `SELECT ${rate('io_service_bytes_recursive_read')} AS "read", ${rate('io_service_bytes_recursive_write')} AS "write" FROM "docker_container_blkio" ${where(SEL, `"device" != 'total'`)} ${byTime(...BY, 'device', 'device_name')}`,
        ],
      }),
      timeseries({
        title: 'Disk operations per second, per device',
        unit: 'iops',
        min: 0,
        alias: '$tag_container_name $tag_device_name $col',
        queries: [
          `SELECT ${rate('io_serviced_recursive_read')} AS "read", ${rate('io_serviced_recursive_write')} AS "write" FROM "docker_container_blkio" ${where(SEL, `"device" != 'total'`)} ${byTime(...BY, 'device', 'device_name')}`,
        ],
      }),
      row('Network'),
      timeseries({
        title: 'Network bytes per second, per interface',
        unit: 'Bps',
        alias: '$tag_container_name $tag_network $col',
        queries: [
          `SELECT ${rate('rx_bytes')} AS "rx", ${rate('tx_bytes')} AS "tx" FROM "docker_container_net" ${where(SEL, `"network" != 'total'`)} ${byTime(...BY, 'network')}`,
        ],
      }),
      timeseries({
        title: 'Network packets, errors and drops per second',
        unit: 'pps',
        alias: '$tag_container_name $col',
        queries: [
          `SELECT ${rate('rx_packets')} AS "rx packets", ${rate('tx_packets')} AS "tx packets", ${rate('rx_errors')} AS "rx errors", ${rate('tx_errors')} AS "tx errors", ${rate('rx_dropped')} AS "rx dropped", ${rate('tx_dropped')} AS "tx dropped" FROM "docker_container_net" ${where(SEL, `"network" = 'total'`)} ${byTime(...BY)}`,
        ],
      }),
      row('Processes'),
      timeseries({
        title: 'Context switches per second',
        unit: 'cps',
        min: 0,
        description: 'Counted by the kernel (method kernel: every switch) or from /proc (method proc: a lower bound that misses short-lived tasks); each method is its own series, since the two counters start from different totals.',
        alias: '$tag_container_name $col ($tag_method)',
        queries: [
          `SELECT ${rate('voluntary')} AS "voluntary", ${rate('involuntary')} AS "involuntary" FROM "docker_container_context_switches" ${where(SEL)} ${byTime(...BY, 'method')}`,
        ],
      }),
      timeseries({
        title: 'Processes, threads, pids and pids limit',
        unit: 'short',
        min: 0,
        alias: '$tag_container_name $col',
        queries: [
          `SELECT last("processes") AS "processes", last("threads") AS "threads" FROM "docker_container_context_switches" ${where(SEL)} ${byTime(...BY)}`,
          `SELECT last("current") AS "pids", last("limit") AS "pids limit" FROM "docker_container_pids" ${where(SEL)} ${byTime(...BY)}`,
        ],
      }),
      ...processTables(),
      row('Pressure (PSI, cgroup v2 only)'),
      timeseries({
        title: 'Pressure: some (share of time at least one task stalled, 10 s average)',
        unit: 'percent',
        min: 0,
        alias: '$tag_container_name $tag_resource',
        queries: [`SELECT mean("some_avg10") FROM "docker_container_psi" ${where(SEL)} ${byTime(...BY, 'resource')}`],
      }),
      timeseries({
        title: 'Pressure: full (share of time all tasks stalled), from the µs counter',
        description: 'Stalled microseconds per second / 10 000 = % of wall time.',
        unit: 'percent',
        min: 0,
        alias: '$tag_container_name $tag_resource',
        queries: [`SELECT ${rate('full_total', 10000)} FROM "docker_container_psi" ${where(SEL)} ${byTime(...BY, 'resource')}`],
      }),
    ],
  });
}
