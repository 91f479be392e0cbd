// Line protocol for every measurement the dashboards read, with values chosen so the expected
// query results are easy to state: 2 hosts × 3 containers (two in compose project "shop"), raw
// points every 10 s for 2 hours, and 30 days of 5-minute aggregates (every 15 minutes).
// Counters grow linearly, so every per-second rate is a known constant:
//   pgfault +1000/10 s, pgmajfault +1/10 s  → minor faults 99.9/s, major 0.1/s
//   throttling_periods +100, throttled_periods +5 → 5 % throttled; voluntary +50 → 5/s

export const HOSTS = ['h1', 'h2'];
export const CONTAINERS: Array<{ name: string; project: string; service: string }> = [
  { name: 'web', project: 'shop', service: 'web' },
  { name: 'db', project: 'shop', service: 'db' },
  { name: 'solo', project: '', service: '' },
];
const RAW_STEP_S = 10;
const RAW_POINTS = 720;
const DS_STEP_S = 900;
const DS_POINTS = (30 * 86400) / DS_STEP_S;

function containerTags(host: string, c: (typeof CONTAINERS)[number]): string {
  const compose = c.project ? `,compose_project=${c.project},compose_service=${c.service}` : '';
  return `host=${host},container_name=${c.name},container_image=img,container_version=1${compose}`;
}

function rawContainer(tags: string, i: number, t: string): string[] {
  const k = i + 1;
  const id = 'container_id="0123abcd"';
  const cpuPct = 1 + (i % 7) + 0.5;
  const out = [
    `docker_container_cpu,${tags},cpu=cpu-total ${id},usage_total=${k * 1e8}i,usage_in_usermode=${k * 6e7}i,usage_in_kernelmode=${k * 4e7}i,usage_system=${k * 2e10}i,throttling_periods=${k * 100}i,throttling_throttled_periods=${k * 5}i,throttling_throttled_time=${k * 1e6}i,usage_percent=${cpuPct},limit_cpus=2,usage_percent_of_limit=${cpuPct / 2},online_cpus=4i ${t}`,
    `docker_container_mem,${tags} ${id},usage=${1e8 + i * 1000}i,working_set=${1e8 + i * 1000}i,rss=5i,cache=6i,swap=0i,mapped_file=1i,active_anon=1i,inactive_anon=1i,active_file=1i,inactive_file=1i,limit=536870912i,max_usage=2i,fail_count=0i,oom_events=${Math.floor(i / 300)}i,oom_kill=${Math.floor(i / 300)}i,pgfault=${k * 1000}i,pgmajfault=${k}i,usage_percent=20.5 ${t}`,
    `docker_container_context_switches,${tags},method=kernel ${id},voluntary=${k * 50}i,involuntary=${k * 3}i,threads=4i,processes=2i ${t}`,
    `docker_container_pids,${tags} ${id},current=4i,limit=100i ${t}`,
    `docker_container_status,${tags} ${id},oomkilled=false,state="running",pid=123i,exitcode=0i,restart_count=1i,started_at=1i,finished_at=0i,uptime_ns=${k * 1e10}i ${t}`,
    `docker_container_health,${tags} ${id},health_status="healthy",failing_streak=0i ${t}`,
    `docker_container_process,${tags},process=sh,instance=0 ${id},pid=42i,ppid=1i,state="S",threads=1i,cpu_percent=${cpuPct},cpu_user_ns=${k * 6e7}i,cpu_system_ns=${k * 4e7}i,rss=${4e6 + i}i,memory_percent=0.7,voluntary_switches=${k * 9}i,involuntary_switches=${k}i,minor_faults=${k * 10}i,major_faults=0i ${t}`,
  ];
  for (const device of ['device=8:0,device_name=sda', 'device=total']) {
    out.push(`docker_container_blkio,${tags},${device} ${id},io_service_bytes_recursive_read=${k * 4096}i,io_service_bytes_recursive_write=${k * 8192}i,io_service_bytes_recursive_total=${k * 12288}i,io_serviced_recursive_read=${k}i,io_serviced_recursive_write=${k * 2}i,io_serviced_recursive_total=${k * 3}i ${t}`);
  }
  for (const network of ['eth0', 'total']) {
    out.push(`docker_container_net,${tags},network=${network} ${id},rx_bytes=${k * 1500}i,rx_packets=${k}i,rx_errors=0i,rx_dropped=0i,tx_bytes=${k * 700}i,tx_packets=${k}i,tx_errors=0i,tx_dropped=0i ${t}`);
  }
  for (const resource of ['cpu', 'memory', 'io']) {
    out.push(`docker_container_psi,${tags},resource=${resource} ${id},some_avg10=1.5,some_avg60=1,some_avg300=1,some_total=${k * 100}i,full_avg10=0.5,full_avg60=0.4,full_avg300=0.3,full_total=${k * 40}i ${t}`);
  }
  if (i % 100 === 0) out.push(`docker_container_event,${tags},action=${i % 200 === 0 ? 'oom' : 'start'} ${id},exit_code=0i,message="event ${i}" ${t}`);
  return out;
}

function rawHost(host: string, i: number, t: string): string[] {
  const k = i + 1;
  return [
    `host_cpu,host=${host} user=${k * 1e9}i,nice=0i,system=${k * 5e8}i,idle=${k * 3e10}i,iowait=${k * 1e7}i,irq=0i,softirq=${k * 1e6}i,steal=0i,usage_total=${k * 2e9}i,online_cpus=4i,usage_percent=12.5 ${t}`,
    `host_mem,host=${host} total=8000000000i,available=6000000000i,free=1000000000i,used=2000000000i,buffers=1i,cached=3000000000i,swap_total=1000i,swap_free=900i,used_percent=25 ${t}`,
    `cgflux_internal,host=${host} tick_duration_seconds=0.012,containers=3i,ticks=${k}i ${t}`,
    `cgflux_internal,host=${host},output=influxdb points_written=${k * 30}i,points_retried=0i,spool_bytes=0i ${t}`,
    `cgflux_internal,host=${host},output=influxdb,reason=rejected points_dropped=${k}i ${t}`,
  ];
}

function downsampled(i: number, t: string): string[] {
  const out: string[] = [];
  for (const host of HOSTS) {
    for (const c of CONTAINERS) {
      const tags = containerTags(host, c);
      out.push(`docker_container_cpu_5m,${tags},cpu=cpu-total usage_percent_mean=${10 + i / 100},usage_percent_max=${40 + (i % 30)},usage_percent_p95=${30 + (i % 10)},limit_cpus=2 ${t}`);
      out.push(`docker_container_mem_5m,${tags} working_set_mean=${1e8 + i * 1000},working_set_max=${1.2e8 + i * 1000}i,working_set_p95=${1.1e8 + i * 1000}i,limit=536870912i ${t}`);
    }
    out.push(`host_cpu_5m,host=${host} usage_percent_mean=20,usage_percent_max=50,online_cpus=4i ${t}`);
    out.push(`host_mem_5m,host=${host} used_mean=2000000000,used_max=2500000000i,total=8000000000i ${t}`);
  }
  return out;
}

/** All lines, with second-precision timestamps ending at `nowS` (write with precision=s). */
export function syntheticLines(nowS: number): string[] {
  const end = Math.floor(nowS / RAW_STEP_S) * RAW_STEP_S;
  const lines: string[] = [];
  for (let i = 0; i < RAW_POINTS; i++) {
    const t = String(end - (RAW_POINTS - i) * RAW_STEP_S);
    for (const host of HOSTS) {
      for (const c of CONTAINERS) lines.push(...rawContainer(containerTags(host, c), i, t));
      lines.push(...rawHost(host, i, t));
    }
  }
  const dsEnd = Math.floor(nowS / DS_STEP_S) * DS_STEP_S;
  for (let i = 0; i < DS_POINTS; i++) lines.push(...downsampled(i, String(dsEnd - (DS_POINTS - i) * DS_STEP_S)));
  return lines;
}
