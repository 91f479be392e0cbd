// Capacity planning: p95 / max against limits over 7 and 30 days, from the 5-minute downsampled
// data (docs/downsampling.md: same measurement and field names on InfluxDB 1.x and 2.x).
import { DOWNSAMPLED_DS, byTime, dashboard, row, table, timeseries, variable, where } from './lib.js';
import type { Json } from './lib.js';

export const DOWNSAMPLED = {
  cpu: 'docker_container_cpu_5m',
  mem: 'docker_container_mem_5m',
  hostCpu: 'host_cpu_5m',
  hostMem: 'host_mem_5m',
} as const;

const DS = DOWNSAMPLED_DS;
const HOST = `"host" =~ /^$host$/`;
const PER_CONTAINER = 'GROUP BY "host", "container_name"';
const SERVICE_TAGS = ['compose_project', 'compose_service'];

function cpuTable(range: '7d' | '30d'): Json {
  return table({
    title: `CPU per container, last ${range === '7d' ? '7' : '30'} days (CPUs)`,
    description:
      'p95 of the 5-minute p95s and the largest 5-minute max, in CPUs (1 = one full CPU), against the CPU limit (quota/period or cpuset size). Headroom = limit − p95. Empty limit: unlimited.',
    datasource: DS,
    timeFrom: range,
    w: 12,
    sortBy: 'p95',
    columnUnits: { 'p95 % of limit': 'percent' },
    decimals: 2,
    queries: [
      `SELECT percentile("usage_percent_p95", 95) / 100 AS "p95", max("usage_percent_max") / 100 AS "max", last("limit_cpus") AS "limit", percentile("usage_percent_p95", 95) / last("limit_cpus") AS "p95 % of limit", last("limit_cpus") - percentile("usage_percent_p95", 95) / 100 AS "headroom" FROM "${DOWNSAMPLED.cpu}" ${where(HOST)} ${PER_CONTAINER}`,
    ],
  });
}

function memTable(range: '7d' | '30d'): Json {
  return table({
    title: `Memory working set per container, last ${range === '7d' ? '7' : '30'} days`,
    description: 'p95 of the 5-minute p95s and the largest 5-minute max of the working set, against the memory limit. Headroom = limit − p95.',
    datasource: DS,
    timeFrom: range,
    w: 12,
    sortBy: 'p95',
    unit: 'bytes',
    columnUnits: { 'p95 % of limit': 'percent' },
    queries: [
      `SELECT percentile("working_set_p95", 95) AS "p95", max("working_set_max") AS "max", last("limit") AS "limit", percentile("working_set_p95", 95) / last("limit") * 100 AS "p95 % of limit", last("limit") - percentile("working_set_p95", 95) AS "headroom" FROM "${DOWNSAMPLED.mem}" ${where(HOST)} ${PER_CONTAINER}`,
    ],
  });
}

function serviceTable(range: '7d' | '30d'): Json {
  const by = `GROUP BY ${SERVICE_TAGS.map((t) => `"${t}"`).join(', ')}`;
  return table({
    title: `Per compose service (one replica), last ${range === '7d' ? '7' : '30'} days`,
    description: 'Over all replicas of a service on the chosen hosts: p95 and max of one replica, and its limits. Multiply by the replica count for the service.',
    datasource: DS,
    timeFrom: range,
    w: 12,
    sortBy: 'cpu p95',
    columnUnits: { 'mem p95': 'bytes', 'mem max': 'bytes', 'mem limit': 'bytes' },
    decimals: 2,
    queries: [
      `SELECT percentile("usage_percent_p95", 95) / 100 AS "cpu p95", max("usage_percent_max") / 100 AS "cpu max", last("limit_cpus") AS "cpu limit" FROM "${DOWNSAMPLED.cpu}" ${where(HOST, `"compose_service" != ''`)} ${by}`,
      `SELECT percentile("working_set_p95", 95) AS "mem p95", max("working_set_max") AS "mem max", last("limit") AS "mem limit" FROM "${DOWNSAMPLED.mem}" ${where(HOST, `"compose_service" != ''`)} ${by}`,
    ],
  });
}

/** Sum over containers of one per-container aggregate, per host and time bucket. */
function sumOfContainers(measurement: string, expr: string, alias: string): string {
  return `SELECT sum("v") AS "${alias}" FROM (SELECT ${expr} AS "v" FROM "${measurement}" ${where(HOST)} ${byTime('host', 'container_name')}) ${where()} ${byTime('host')}`;
}

export function capacity(): Json {
  return dashboard({
    uid: 'cgflux-capacity',
    title: 'cgflux / Capacity planning',
    description:
      'p95 and max of CPU and working-set memory per container and per compose service against their limits, the sum of containers against host capacity, headroom and top growers. Reads the 5-minute downsampled bucket (docs/downsampling.md).',
    tags: ['capacity'],
    time: { from: 'now-30d', to: 'now' },
    refresh: '15m',
    variables: [
      variable({ name: 'host', label: 'Host', query: `SHOW TAG VALUES FROM "${DOWNSAMPLED.hostCpu}" WITH KEY = "host"`, datasource: DS }),
    ],
    panels: [
      row('Containers against their limits'),
      cpuTable('7d'),
      cpuTable('30d'),
      memTable('7d'),
      memTable('30d'),
      timeseries({
        title: 'CPU p95 per container (CPUs)',
        datasource: DS,
        unit: 'short',
        min: 0,
        alias: '$tag_container_name@$tag_host',
        queries: [`SELECT max("usage_percent_p95") / 100 FROM "${DOWNSAMPLED.cpu}" ${where(HOST)} ${byTime('host', 'container_name')}`],
      }),
      timeseries({
        title: 'Working set p95 per container',
        datasource: DS,
        unit: 'bytes',
        min: 0,
        alias: '$tag_container_name@$tag_host',
        queries: [`SELECT max("working_set_p95") FROM "${DOWNSAMPLED.mem}" ${where(HOST)} ${byTime('host', 'container_name')}`],
      }),
      row('Compose services'),
      serviceTable('7d'),
      serviceTable('30d'),
      timeseries({
        title: 'CPU per compose service, all replicas (CPUs, mean)',
        datasource: DS,
        unit: 'short',
        min: 0,
        stack: true,
        alias: '$tag_compose_project/$tag_compose_service',
        queries: [
          `SELECT sum("v") FROM (SELECT mean("usage_percent_mean") / 100 AS "v" FROM "${DOWNSAMPLED.cpu}" ${where(HOST, `"compose_service" != ''`)} ${byTime('host', 'container_name', ...SERVICE_TAGS)}) ${where()} ${byTime(...SERVICE_TAGS)}`,
        ],
      }),
      timeseries({
        title: 'Working set per compose service, all replicas (mean)',
        datasource: DS,
        unit: 'bytes',
        min: 0,
        stack: true,
        alias: '$tag_compose_project/$tag_compose_service',
        queries: [
          `SELECT sum("v") FROM (SELECT mean("working_set_mean") AS "v" FROM "${DOWNSAMPLED.mem}" ${where(HOST, `"compose_service" != ''`)} ${byTime('host', 'container_name', ...SERVICE_TAGS)}) ${where()} ${byTime(...SERVICE_TAGS)}`,
        ],
      }),
      row('Hosts: sum of containers against capacity'),
      timeseries({
        title: 'CPU: sum of containers vs host (CPUs)',
        description: 'Containers = sum of their 5-minute means; host used = the whole machine; capacity = online CPUs.',
        datasource: DS,
        unit: 'short',
        min: 0,
        alias: '$tag_host $col',
        queries: [
          sumOfContainers(DOWNSAMPLED.cpu, 'mean("usage_percent_mean") / 100', 'containers'),
          `SELECT mean("usage_percent_mean") * max("online_cpus") / 100 AS "host used", max("online_cpus") AS "capacity" FROM "${DOWNSAMPLED.hostCpu}" ${where(HOST)} ${byTime('host')}`,
        ],
      }),
      timeseries({
        title: 'Memory: sum of container working sets vs host',
        datasource: DS,
        unit: 'bytes',
        min: 0,
        alias: '$tag_host $col',
        queries: [
          sumOfContainers(DOWNSAMPLED.mem, 'mean("working_set_mean")', 'containers'),
          `SELECT mean("used_mean") AS "host used", max("total") AS "capacity" FROM "${DOWNSAMPLED.hostMem}" ${where(HOST)} ${byTime('host')}`,
        ],
      }),
      table({
        title: 'Headroom per host',
        description:
          'Capacity minus the SUM of every container\'s p95 — pessimistic, since peaks rarely coincide. Negative: the containers\' p95s together exceed the host.',
        datasource: DS,
        w: 24,
        h: 6,
        decimals: 2,
        columnUnits: { 'mem capacity': 'bytes', 'mem containers p95': 'bytes', 'mem headroom': 'bytes' },
        computed: [
          { alias: 'cpu headroom', left: 'cpu capacity', operator: '-', right: 'cpu containers p95' },
          { alias: 'mem headroom', left: 'mem capacity', operator: '-', right: 'mem containers p95' },
        ],
        queries: [
          `SELECT max("online_cpus") AS "cpu capacity" FROM "${DOWNSAMPLED.hostCpu}" ${where(HOST)} GROUP BY "host"`,
          `SELECT sum("p95") AS "cpu containers p95" FROM (SELECT percentile("usage_percent_p95", 95) / 100 AS "p95" FROM "${DOWNSAMPLED.cpu}" ${where(HOST)} ${PER_CONTAINER}) ${where()} GROUP BY "host"`,
          `SELECT max("total") AS "mem capacity" FROM "${DOWNSAMPLED.hostMem}" ${where(HOST)} GROUP BY "host"`,
          `SELECT sum("p95") AS "mem containers p95" FROM (SELECT percentile("working_set_p95", 95) AS "p95" FROM "${DOWNSAMPLED.mem}" ${where(HOST)} ${PER_CONTAINER}) ${where()} GROUP BY "host"`,
        ],
      }),
      // last − first of the daily means (not a sum of difference()): a container seen on one day only
      // is listed with growth 0 instead of missing, so a fresh install does not show an empty table.
      // No outer $timeFilter: InfluxDB 1.x returns NOTHING for an outer selector when the inner
      // time(1d) bucket of the range's first day starts before the range (it always does).
      row('Top growers'),
      table({
        title: 'Top 10 growers: working set (daily mean, last day − first day)',
        datasource: DS,
        timeFrom: '30d',
        unit: 'bytes',
        sortBy: 'growth',
        limit: 10,
        queries: [
          `SELECT last("d") - first("d") AS "growth" FROM (SELECT mean("working_set_mean") AS "d" FROM "${DOWNSAMPLED.mem}" ${where(HOST)} GROUP BY time(1d), "host", "container_name" fill(none)) ${PER_CONTAINER}`,
        ],
      }),
      table({
        title: 'Top 10 growers: CPU (daily mean, last day − first day, CPUs)',
        datasource: DS,
        timeFrom: '30d',
        decimals: 3,
        sortBy: 'growth',
        limit: 10,
        queries: [
          `SELECT (last("d") - first("d")) / 100 AS "growth" FROM (SELECT mean("usage_percent_mean") AS "d" FROM "${DOWNSAMPLED.cpu}" ${where(HOST)} GROUP BY time(1d), "host", "container_name" fill(none)) ${PER_CONTAINER}`,
        ],
      }),
    ],
  });
}
