// The processes of one container, as the processes view of `cgflux top` shows them. The source is
// an interface so that the view does not depend on how the processes are collected.
import { clip, formatBytes, formatCount, formatPercent, padCell, printable } from './format.js';

export interface ProcessLine {
  pid: number;
  name: string;
  /** 100 = one CPU, over the interval between two readings. */
  cpuPercent?: number;
  rssBytes?: number;
  threads?: number;
  state?: string;
  command?: string;
}

export interface ProcessSource {
  /** The processes of the container now, busiest first; undefined when it cannot be read. */
  processes(containerId: string): ProcessLine[] | undefined;
}

export const NO_PROCESS_SOURCE_MESSAGE = 'processes are read only in the live view on a terminal';

const HEAD = ['PID', 'CPU%', 'RSS', 'THR', 'S', 'COMMAND'] as const;
const WIDTHS = [8, 8, 9, 4, 1] as const;

/** The table of processes, every line at most `width` cells. */
export function renderProcesses(lines: readonly ProcessLine[], width: number): string[] {
  const row = (cells: readonly string[]): string => {
    const fixed = WIDTHS.map((w, i) => padCell(cells[i], w, i === 4 ? 'left' : 'right')).join('  ');
    const rest = width - [...fixed].length - 2;
    return rest > 0 ? `${fixed}  ${clip(cells[5], rest)}`.trimEnd() : clip(fixed, width);
  };
  const out = [row(HEAD)];
  for (const p of lines) {
    out.push(row([String(p.pid), formatPercent(p.cpuPercent), formatBytes(p.rssBytes), formatCount(p.threads), p.state ?? '-', printable(p.command || p.name)]));
  }
  if (lines.length === 0) out.push('(no processes)');
  return out;
}
