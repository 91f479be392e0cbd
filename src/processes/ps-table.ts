// `cgflux ps` output: a `ps aux`-like table of one container's processes, with %CPU of one CPU
// over the gap and %MEM of the container's memory limit (host memory when it has none). Pure.
import type { ProcessInfo, ProcessSnapshot } from '../sampler/processes/book.js';

function size(bytes: number): string {
  if (bytes >= 10 * 2 ** 30) return `${(bytes / 2 ** 30).toFixed(0)}G`;
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)}G`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(0)}M`;
  return `${Math.round(bytes / 1024)}K`;
}

/** CPU time as `ps` prints it: M:SS, or H:MM:SS from an hour. */
function cpuTime(ns: number): string {
  const s = Math.floor(ns / 1e9);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const pct = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(1));

interface Col {
  title: string;
  right: boolean;
  value(p: ProcessInfo): string;
}

const COLUMNS: Col[] = [
  { title: 'PID', right: true, value: (p) => String(p.pid) },
  { title: 'PPID', right: true, value: (p) => String(p.ppid) },
  { title: '%CPU', right: true, value: (p) => pct(p.cpuPercent) },
  { title: '%MEM', right: true, value: (p) => pct(p.memPercent) },
  { title: 'RSS', right: true, value: (p) => size(p.rssBytes) },
  { title: 'THR', right: true, value: (p) => String(p.threads) },
  { title: 'S', right: false, value: (p) => p.state },
  { title: 'TIME', right: true, value: (p) => cpuTime(p.userNs + p.systemNs) },
  // ps shows [name] when a process has no command line (a zombie, a kernel thread).
  { title: 'COMMAND', right: false, value: (p) => (p.cmdline ? p.cmdline : `[${p.name}]`) },
];

export function formatPsTable(processes: readonly ProcessInfo[], width = 200): string {
  const cells = processes.map((p) => COLUMNS.map((c) => c.value(p).replace(/[\u0000-\u001f\u007f]/g, '?')));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i].length)));
  const line = (row: string[]): string => {
    const text = row.map((cell, i) => (i === row.length - 1 ? cell : COLUMNS[i].right ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(' ');
    return text.length > width ? text.slice(0, width - 1) + '…' : text;
  };
  return [line(COLUMNS.map((c) => c.title)), ...cells.map(line)].join('\n') + '\n';
}

/** The line above the table: what the percentages are of. */
export function psHeader(name: string, snap: ProcessSnapshot, shown: number): string {
  const mem = snap.memoryLimitBytes !== undefined ? `memory limit ${size(snap.memoryLimitBytes)}` : `no memory limit: %MEM of host memory ${size(snap.memoryBasisBytes ?? 0)}`;
  const cpu = snap.cpuLimit !== undefined ? `CPU limit ${Number(snap.cpuLimit.toFixed(2))} CPUs` : 'no CPU limit';
  return `${name}: ${snap.total} processes${shown < snap.total ? ` (${shown} shown)` : ''}; %CPU of one CPU over ${(snap.intervalNs / 1e9).toFixed(1)} s; ${cpu}; ${mem}\n`;
}
