// The performance targets cgflux promises, checked against one run's medians. Each says what it
// means, the measured value and the margin (how far inside or outside the limit).
export interface TargetCheck {
  name: string;
  meaning: string;
  limit: string;
  measured: string;
  margin: string;
  pass: boolean | null;
}

/** What the checks need; a value is undefined when its stage failed (the target is then MISSING). */
export interface TargetInputs {
  /** The daemon process: stats API ÷ its CPU per container-sample, at 10 s and 1 s. */
  daemon_ratio_10s?: number;
  daemon_ratio_1s?: number;
  /** The daemon process's CPU per tick at 10 s ÷ at 1 s. */
  daemon_tick_10s_vs_1s?: number;
  ratio_vs_floor?: number;
  /** Hot path ÷ the compiled pread loop over the same files; the target when cc was there. */
  ratio_vs_compiled_floor?: number;
  ratio_vs_stats_api?: number;
  synthetic5000?: { us_per_container_sample: number; gather_p99_ms: number; rss_mb: number };
  /** How the 5,000 figures were obtained (e.g. part of the reads open/read/close past the descriptor budget). */
  synthetic5000Basis?: string;
  ratio_top_vs_docker_stats?: number;
  synthetic1000?: { gather_p99_ms: number };
  synthetic5000v2?: { gather_p99_ms: number; rss_mb: number };
  synthetic1000v2?: { gather_p99_ms: number };
}

const fmt = (v: number, digits = 2) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(digits));

function atMost(name: string, meaning: string, value: number | undefined, limit: number, unit: string): TargetCheck {
  if (value === undefined || !Number.isFinite(value)) {
    return { name, meaning, limit: `≤ ${fmt(limit)}${unit}`, measured: 'not measured', margin: '—', pass: null };
  }
  const pass = value <= limit;
  const pct = ((limit - value) / limit) * 100;
  return {
    name,
    meaning,
    limit: `≤ ${fmt(limit)}${unit}`,
    measured: `${fmt(value)}${unit}`,
    margin: pass ? `${fmt(pct, 0)}% under the limit` : `${fmt(-pct, 0)}% over the limit`,
    pass,
  };
}

function atLeast(name: string, meaning: string, value: number | undefined, limit: number, unit: string): TargetCheck {
  if (value === undefined || !Number.isFinite(value)) {
    return { name, meaning, limit: `≥ ${fmt(limit)}${unit}`, measured: 'not measured', margin: '—', pass: null };
  }
  const pass = value >= limit;
  return {
    name,
    meaning,
    limit: `≥ ${fmt(limit)}${unit}`,
    measured: `${fmt(value)}${unit}`,
    margin: pass ? `${fmt(value / limit, 2)}× the minimum` : value > 0 ? `${fmt((1 - value / limit) * 100, 0)}% short` : 'nothing measured',
    pass,
  };
}

export function checkTargets(m: TargetInputs): TargetCheck[] {
  const s = m.synthetic5000;
  const basis = (c: TargetCheck): TargetCheck => (m.synthetic5000Basis && s ? { ...c, measured: `${c.measured} (${m.synthetic5000Basis})` } : c);
  return [
    atLeast('daemon at 10 s vs stats API', "Docker's CPU per stats call ÷ the cgflux process's CPU (all threads) per container-sample at the default interval", m.daemon_ratio_10s, 50, '×'),
    atLeast('daemon at 1 s vs stats API', "Docker's CPU per stats call ÷ the cgflux process's CPU (all threads) per container-sample at 1 s", m.daemon_ratio_1s, 100, '×'),
    atMost('cold tick', "the cgflux process's CPU per tick at 10 s ÷ per tick at 1 s", m.daemon_tick_10s_vs_1s, 1.5, '×'),
    atMost('near the floor', "hot path CPU per container-sample (gather + parse + encode) ÷ the same files read with pread from a compiled loop", m.ratio_vs_compiled_floor, 1.6, '×'),
    atMost('near the Node floor', "hot path ÷ the same files read with Node's readSync on kept descriptors", m.ratio_vs_floor, 1.6, '×'),
    atLeast('hot path vs stats API', "Docker's CPU per stats call ÷ the hot path's CPU per container-sample (main thread, ticks back to back)", m.ratio_vs_stats_api, 120, '×'),
    basis(atMost('5,000 at 1 s: CPU', 'CPU of one tick of 5,000 containers, in % of one core per second', s ? (s.us_per_container_sample * 5000) / 10_000 : undefined, 100, '% of a core')),
    basis(atMost('5,000 at 1 s: p99 gather', 'p99 wall time of one tick (gather streamed into the encoder) of 5,000 containers', s?.gather_p99_ms, 250, ' ms')),
    basis(atMost('5,000 at 1 s: RSS', 'resident memory of the process sampling 5,000 containers', s?.rss_mb, 150, ' MB')),
    atLeast('top vs docker stats', 'CPU of docker stats ÷ CPU of cgflux top, 50 containers, same 60 s (clients + dockerd, containerd, shims)', m.ratio_top_vs_docker_stats, 50, '×'),
    atMost('1,000 at 1 s: p99 gather', 'p99 wall time of one tick of 1,000 containers', m.synthetic1000?.gather_p99_ms, 50, ' ms'),
    atMost('v2 5,000: p99 gather', 'the same on the cgroup v2 synthetic host', m.synthetic5000v2?.gather_p99_ms, 250, ' ms'),
    atMost('v2 5,000: RSS', 'the same on the cgroup v2 synthetic host', m.synthetic5000v2?.rss_mb, 150, ' MB'),
    atMost('v2 1,000: p99 gather', 'the same on the cgroup v2 synthetic host', m.synthetic1000v2?.gather_p99_ms, 50, ' ms'),
  ];
}

export function verdict(c: TargetCheck): string {
  return c.pass === null ? 'MISSING' : c.pass ? 'PASS' : 'MISS';
}
