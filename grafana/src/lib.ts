// Building blocks for cgflux's Grafana dashboards. Every query is raw InfluxQL (rawQuery: true)
// restricted to what InfluxDB 1.x, 2.x (through its DBRP mapping) and 3.x all understand, so the
// same dashboards work on each. The generated JSON in grafana/dashboards/ is what Grafana reads.

export const RAW_DS = { type: 'influxdb', uid: 'cgflux-influxdb' } as const;
export const DOWNSAMPLED_DS = { type: 'influxdb', uid: 'cgflux-influxdb-downsampled' } as const;
export type DatasourceRef = typeof RAW_DS | typeof DOWNSAMPLED_DS;

export type Json = Record<string, unknown>;

export interface Target {
  refId: string;
  datasource: DatasourceRef;
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
  alias?: string;
}

/** `"host" =~ /^$host$/` and friends: Grafana expands multi-value variables into `(a|b)`. */
export function tagMatches(...tags: string[]): string {
  return tags.map((t) => `"${t}" =~ /^$${t}$/`).join(' AND ');
}

/** WHERE clause of every panel query: the chosen host(s), optional extra tag predicates, the time range. */
export function where(...predicates: string[]): string {
  return `WHERE ${[...predicates, '$timeFilter'].join(' AND ')}`;
}

/** `GROUP BY time($__interval), "a", "b" fill(none)` */
export function byTime(...tags: string[]): string {
  return `GROUP BY ${['time($__interval)', ...tags.map((t) => `"${t}"`)].join(', ')} fill(none)`;
}

/** Per-second rate of a cumulative integer counter, robust to restarts (negative steps dropped). */
export function rate(field: string, divisor = 1): string {
  const r = `non_negative_derivative(max("${field}"), 1s)`;
  return divisor === 1 ? r : `${r} / ${divisor}`;
}

export interface TargetOptions {
  alias?: string;
  table?: boolean;
  datasource?: DatasourceRef;
}

export function targets(queries: Array<string | [string, TargetOptions]>, defaults: TargetOptions = {}): Target[] {
  return queries.map((q, i) => {
    const [query, opts] = typeof q === 'string' ? [q, {}] : q;
    const o = { ...defaults, ...opts };
    const t: Target = {
      refId: String.fromCharCode(65 + i),
      datasource: o.datasource ?? RAW_DS,
      query,
      rawQuery: true,
      resultFormat: o.table ? 'table' : 'time_series',
    };
    if (o.alias) t.alias = o.alias;
    return t;
  });
}

export type Unit =
  | 'percent'
  | 'bytes'
  | 'Bps'
  | 'short'
  | 'ops'
  | 'iops'
  | 's'
  | 'ns'
  | 'dtdurations'
  | 'none'
  | 'cps'
  | 'pps'
  | 'percentunit'
  | 'ms'
  | 'dateTimeAsIso';

export interface PanelSpec {
  title: string;
  description?: string;
  /** Grid width out of 24; the height defaults to 8. */
  w?: number;
  h?: number;
  unit?: Unit;
  /** Relative time override ("7d") so a panel shows a fixed window whatever the dashboard range. */
  timeFrom?: string;
  datasource?: DatasourceRef;
  queries: Array<string | [string, TargetOptions]>;
  /** Default legend alias for every query, e.g. `$tag_container_name`. */
  alias?: string;
  stack?: boolean;
  min?: number;
  max?: number;
  decimals?: number;
}

function fieldConfig(spec: PanelSpec, custom: Json = {}): Json {
  const defaults: Json = { unit: spec.unit ?? 'short', custom };
  if (spec.min !== undefined) defaults.min = spec.min;
  if (spec.max !== undefined) defaults.max = spec.max;
  if (spec.decimals !== undefined) defaults.decimals = spec.decimals;
  return { defaults, overrides: [] };
}

function base(type: string, spec: PanelSpec, options: Json, custom: Json = {}): Json {
  const ds = spec.datasource ?? RAW_DS;
  const panel: Json = {
    type,
    title: spec.title,
    datasource: ds,
    gridPos: { w: spec.w ?? 12, h: spec.h ?? 8 },
    fieldConfig: fieldConfig(spec, custom),
    options,
    targets: targets(spec.queries, { datasource: ds, alias: spec.alias }),
  };
  if (spec.description) panel.description = spec.description;
  if (spec.timeFrom) panel.timeFrom = spec.timeFrom;
  return panel;
}

export function timeseries(spec: PanelSpec): Json {
  return base(
    'timeseries',
    spec,
    {
      legend: { displayMode: 'table', placement: 'bottom', calcs: ['mean', 'max', 'lastNotNull'], sortBy: 'Mean', sortDesc: true },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
    {
      drawStyle: 'line',
      lineWidth: 1,
      fillOpacity: spec.stack ? 30 : 5,
      showPoints: 'never',
      spanNulls: false,
      stacking: { mode: spec.stack ? 'normal' : 'none', group: 'A' },
    },
  );
}

export function stat(spec: PanelSpec & { calc?: 'lastNotNull' | 'mean' | 'max' | 'sum' }): Json {
  return base('stat', { w: 6, h: 4, ...spec }, {
    reduceOptions: { calcs: [spec.calc ?? 'lastNotNull'], fields: '', values: false },
    colorMode: 'value',
    graphMode: 'area',
    textMode: 'auto',
  });
}

export interface TableSpec extends PanelSpec {
  /** Sort by this column, descending, and keep the first `limit` rows. */
  sortBy?: string;
  limit?: number;
  /** Units per column name. */
  columnUnits?: Record<string, Unit>;
  /** Keep the Time column (event lists); aggregate tables hide it. */
  keepTime?: boolean;
  /** Extra columns computed from two others after the merge, e.g. headroom = capacity − used. */
  computed?: Array<{ alias: string; left: string; operator: '-' | '+' | '*' | '/'; right: string }>;
}

/** A table of rows from one or more `resultFormat: table` queries, merged on their tag columns. */
export function table(spec: TableSpec): Json {
  const queries = spec.queries.map((q): [string, TargetOptions] =>
    typeof q === 'string' ? [q, { table: true }] : [q[0], { table: true, ...q[1] }],
  );
  const panel = base('table', { h: 9, ...spec, queries }, { showHeader: true, cellHeight: 'sm', footer: { show: false } });
  const transformations: Json[] = [];
  if (queries.length > 1) transformations.push({ id: 'merge', options: {} });
  if (!spec.keepTime) transformations.push({ id: 'organize', options: { excludeByName: { Time: true } } });
  for (const c of spec.computed ?? []) {
    transformations.push({
      id: 'calculateField',
      options: { mode: 'binary', alias: c.alias, binary: { left: c.left, operator: c.operator, right: c.right }, replaceFields: false },
    });
  }
  if (spec.sortBy) transformations.push({ id: 'sortBy', options: { sort: [{ field: spec.sortBy, desc: true }] } });
  if (spec.limit) transformations.push({ id: 'limit', options: { limitField: spec.limit } });
  panel.transformations = transformations;
  const overrides = Object.entries(spec.columnUnits ?? {}).map(([name, unit]) => ({
    matcher: { id: 'byName', options: name },
    properties: [{ id: 'unit', value: unit }],
  }));
  (panel.fieldConfig as { overrides: unknown[] }).overrides = overrides;
  return panel;
}

export function row(title: string, collapsed = false): Json {
  return { type: 'row', title, collapsed, gridPos: { w: 24, h: 1 }, panels: [] };
}

/** Assigns ids and x/y positions left to right, top to bottom; a row always starts a new line. */
export function layout(panels: Json[]): Json[] {
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  return panels.map((p, i) => {
    const g = p.gridPos as { w: number; h: number };
    if (p.type === 'row' || x + g.w > 24) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    const placed = { ...p, id: i + 1, gridPos: { ...g, x, y } };
    x += g.w;
    lineHeight = Math.max(lineHeight, g.h);
    if (p.type === 'row') {
      y += g.h;
      x = 0;
      lineHeight = 0;
    }
    return placed;
  });
}

export interface VariableSpec {
  name: string;
  label: string;
  query: string;
  multi?: boolean;
  includeAll?: boolean;
  datasource?: DatasourceRef;
}

/** A query variable filled by `SHOW TAG VALUES`, refreshed when the time range changes. */
export function variable(v: VariableSpec): Json {
  return {
    type: 'query',
    name: v.name,
    label: v.label,
    datasource: v.datasource ?? RAW_DS,
    query: v.query,
    definition: v.query,
    refresh: 2,
    sort: 1,
    multi: v.multi ?? true,
    includeAll: v.includeAll ?? true,
    allValue: '.*',
    current: {},
    options: [],
    hide: 0,
  };
}

export function hostVariable(measurement: string, datasource: DatasourceRef = RAW_DS): Json {
  return variable({
    name: 'host',
    label: 'Host',
    query: `SHOW TAG VALUES FROM "${measurement}" WITH KEY = "host"`,
    datasource,
  });
}

export function containerVariable(measurement: string, datasource: DatasourceRef = RAW_DS, multi = true): Json {
  return variable({
    name: 'container',
    label: 'Container',
    query: `SHOW TAG VALUES FROM "${measurement}" WITH KEY = "container_name" WHERE "host" =~ /^$host$/`,
    datasource,
    multi,
    includeAll: multi,
  });
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags?: string[];
  time?: { from: string; to: string };
  refresh?: string;
  variables: Json[];
  annotations?: Json[];
  panels: Json[];
  links?: Json[];
}

export function dashboard(d: DashboardSpec): Json {
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['cgflux', ...(d.tags ?? [])],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: d.refresh ?? '30s',
    time: d.time ?? { from: 'now-6h', to: 'now' },
    timepicker: {},
    fiscalYearStartMonth: 0,
    liveNow: false,
    links: d.links ?? [
      { type: 'dashboards', tags: ['cgflux'], asDropdown: true, title: 'cgflux', includeVars: true, keepTime: true },
    ],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
        ...(d.annotations ?? []),
      ],
    },
    templating: { list: d.variables },
    panels: layout(d.panels),
  };
}
