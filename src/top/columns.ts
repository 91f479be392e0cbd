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
 * The columns that fit `width` cells, NAME sized to the longest name shown (between NAME_MIN and
 * NAME_MAX). Columns are dropped by priority, then NAME is narrowed to what is left.
 */
export function fitColumns(width: number, longestName: number, all: readonly Column[] = COLUMNS): Layout {
  let nameWidth = Math.max(NAME_MIN, Math.min(NAME_MAX, longestName, Math.max(4, longestName)));
  nameWidth = Math.max(nameWidth, 4);
  const columns = [...all];
  while (columns.length > 1 && lineWidth(columns, nameWidth) > width) {
    // Narrow NAME to its minimum before dropping anything.
    if (nameWidth > NAME_MIN) {
      nameWidth = Math.max(NAME_MIN, nameWidth - (lineWidth(columns, nameWidth) - width));
      continue;
    }
    let worst = -1;
    for (let i = 0; i < columns.length; i++) if (columns[i].priority > 0 && (worst < 0 || columns[i].priority > columns[worst].priority)) worst = i;
    if (worst < 0) break;
    columns.splice(worst, 1);
  }
  // Give NAME back what dropping freed, up to the longest name.
  const spare = width - lineWidth(columns, nameWidth);
  if (spare > 0) nameWidth = Math.min(Math.max(nameWidth, Math.min(NAME_MAX, longestName)), nameWidth + spare);
  if (lineWidth(columns, nameWidth) > width) nameWidth = Math.max(1, width);
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
