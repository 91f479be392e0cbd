// The columns of `cgflux top` and how they fit a terminal: every line is exactly as wide as the
// terminal or narrower, never wrapped. When the columns do not fit, those of least priority go
// first; NAME stays and is cut last.
import type { TopRow } from './rates.js';
import { formatByteRate, formatCount, formatMemory, formatPercent, padCell, printable } from './format.js';

export interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
  /** 0 is never dropped; larger numbers are dropped first. */
  priority: number;
  cell(row: TopRow): string;
}

export const NAME_MIN = 8;
export const NAME_MAX = 32;
/** NAME is not cut below this before the columns past CORE are dropped. */
export const NAME_COMFORT = 24;
/** Priorities up to CORE (CPU%, memory, pids) outrank the last characters of NAME. */
const CORE = 3;
const GAP = '  ';

export const COLUMNS: readonly Column[] = [
  { title: 'NAME', width: NAME_MAX, align: 'left', priority: 0, cell: (r) => printable(r.name) },
  { title: 'CPU%', width: 8, align: 'right', priority: 1, cell: (r) => formatPercent(r.cpuPercent) },
  { title: 'CPU%LIM', width: 8, align: 'right', priority: 6, cell: (r) => formatPercent(r.cpuPercentOfLimit) },
  { title: 'MEM USAGE / LIMIT', width: 19, align: 'right', priority: 2, cell: (r) => formatMemory(r.memUsage, r.memLimit) },
  { title: 'NET RX/s', width: 9, align: 'right', priority: 7, cell: (r) => formatByteRate(r.netRxPerS) },
  { title: 'NET TX/s', width: 9, align: 'right', priority: 8, cell: (r) => formatByteRate(r.netTxPerS) },
  { title: 'BLK R/s', width: 9, align: 'right', priority: 9, cell: (r) => formatByteRate(r.blkReadPerS) },
  { title: 'BLK W/s', width: 9, align: 'right', priority: 10, cell: (r) => formatByteRate(r.blkWritePerS) },
  { title: 'CTX/s', width: 6, align: 'right', priority: 4, cell: (r) => formatCount(r.ctxPerS) },
  { title: 'FLT/s', width: 6, align: 'right', priority: 5, cell: (r) => formatCount(r.faultsPerS) },
  { title: 'PIDS', width: 5, align: 'right', priority: 3, cell: (r) => formatCount(r.pids) },
];

export interface Layout {
  columns: Column[];
  /** Width given to NAME. */
  nameWidth: number;
}

function lineWidth(columns: readonly Column[], nameWidth: number): number {
  let w = 0;
  for (const c of columns) w += c.priority === 0 ? nameWidth : c.width;
  return w + GAP.length * Math.max(0, columns.length - 1);
}

/**
 * The columns that fit `width` cells. NAME is sized to the longest name shown (NAME_MIN to
 * NAME_MAX). Room is made in this order: NAME down to NAME_COMFORT, the columns past CORE
 * dropped by priority, NAME down to NAME_MIN, then the core columns (a name people can read
 * is worth more than block I/O; CPU and memory are worth more than most of a name).
 */
export function fitColumns(width: number, longestName: number, all: readonly Column[] = COLUMNS): Layout {
  const longest = Math.max(NAME_MIN, Math.min(NAME_MAX, longestName));
  let nameWidth = longest;
  const columns = [...all];
  const over = (): number => lineWidth(columns, nameWidth) - width;
  const dropWorst = (minPriority: number): boolean => {
    let worst = -1;
    for (let i = 0; i < columns.length; i++) if (columns[i].priority >= minPriority && (worst < 0 || columns[i].priority > columns[worst].priority)) worst = i;
    if (worst < 0) return false;
    columns.splice(worst, 1);
    return true;
  };
  if (over() > 0) nameWidth = Math.max(Math.min(longest, NAME_COMFORT), nameWidth - over());
  while (over() > 0 && dropWorst(CORE + 1));
  if (over() > 0) nameWidth = Math.max(NAME_MIN, nameWidth - over());
  while (over() > 0 && dropWorst(1));
  // Give NAME back what dropping freed, up to the longest name; cut it when even NAME alone does not fit.
  if (over() < 0) nameWidth = Math.min(longest, nameWidth - over());
  if (over() > 0) nameWidth = Math.max(0, width);
  return { columns, nameWidth };
}

function renderCells(layout: Layout, cells: readonly string[], width: number): string {
  const parts = layout.columns.map((c, i) => padCell(cells[i], c.priority === 0 ? layout.nameWidth : c.width, c.align));
  const line = parts.join(GAP).trimEnd();
  return [...line].length > width ? [...line].slice(0, width).join('') : line;
}

export function renderHeader(layout: Layout, width: number): string {
  return renderCells(layout, layout.columns.map((c) => c.title), width);
}

export function renderRow(layout: Layout, row: TopRow, width: number): string {
  return renderCells(layout, layout.columns.map((c) => c.cell(row)), width);
}
