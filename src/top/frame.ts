// One frame of `cgflux top` as lines of text: a title, the table (or the processes of the selected
// container, or the keys), a status line. Pure: the terminal code only draws what this returns.
// Every line fits the width; the selected row is marked for the caller to highlight.
import { fitColumns, renderHeader, renderRow } from './columns.js';
import { clip } from './format.js';
import { NO_PROCESS_SOURCE_MESSAGE, renderProcesses, type ProcessSource } from './processes.js';
import type { TopRow } from './rates.js';
import { compileFilter } from './filter.js';
import { SORT_KEYS, sortKeyById, sortRows } from './sort.js';
import { activeFilter, type ViewState } from './view-state.js';

export interface FrameInput {
  rows: readonly TopRow[];
  state: ViewState;
  width: number;
  /** Lines available; undefined for plain output (every row). */
  height?: number;
  /** Shown in the title: when the readings were taken, errors, … */
  note?: string;
  processes?: ProcessSource;
}

export interface Frame {
  lines: string[];
  /** Index in `lines` of the header and of the selected row (highlighted on a terminal). */
  headerLine?: number;
  selectedLine?: number;
  /** Ids of the rows listed, in order (for the keys that move the selection). */
  visibleIds: string[];
}

/** The rows to list: filtered, then sorted. */
export function visibleRows(rows: readonly TopRow[], state: ViewState): TopRow[] {
  const matches = compileFilter(activeFilter(state));
  const key = sortKeyById(state.sortId) ?? SORT_KEYS[0];
  return sortRows(rows.filter(matches), key, state.reverse);
}

function title(input: FrameInput, shown: number): string {
  const s = input.state;
  const key = sortKeyById(s.sortId) ?? SORT_KEYS[0];
  const filter = activeFilter(s);
  const parts = [`cgflux top — ${shown === input.rows.length ? shown : `${shown} of ${input.rows.length}`} containers`, `sort: ${key.title}${s.reverse ? ' (reversed)' : ''}`];
  if (filter || s.editing !== undefined) parts.push(`filter: ${filter}${s.editing !== undefined ? '_' : ''}`);
  if (input.note) parts.push(input.note);
  return parts.join(' · ');
}

const LIST_HELP = 'q quit  c m n x f p sort  / filter  up/down select  Enter processes  h keys';

function helpLines(): string[] {
  return [
    'Keys',
    '',
    ...SORT_KEYS.map((k) => `  ${k.key}   sort by ${k.title} (again: reverse)`),
    '  r   reverse the order',
    '  /   filter: parts of names, or label=value (globs * ?); Enter applies, Esc cancels',
    '  Up Down PgUp PgDn Home End   select a container;  Enter   its processes;  Esc   back',
    '  q, Ctrl-C   quit',
  ];
}

export function buildFrame(input: FrameInput): Frame {
  const { state, width } = input;
  const rows = visibleRows(input.rows, state);
  const visibleIds = rows.map((r) => r.id);
  const lines: string[] = [clip(title(input, rows.length), width)];

  if (state.mode === 'help') {
    lines.push(...helpLines().map((l) => clip(l, width)));
    lines.push(clip('Esc back', width));
    return { lines, visibleIds };
  }
  if (state.mode === 'processes') {
    const row = input.rows.find((r) => r.id === state.selectedId);
    lines.push(clip(row ? `processes of ${row.name} (${row.id.slice(0, 12)}) · Esc back` : 'the container is gone · Esc back', width));
    if (row) {
      const list = input.processes?.processes(row.id);
      if (!input.processes) lines.push(clip(NO_PROCESS_SOURCE_MESSAGE, width));
      else if (!list) lines.push(clip('its processes cannot be read right now', width));
      else lines.push(...renderProcesses(list, width));
    }
    if (input.height !== undefined) lines.length = Math.min(lines.length, input.height);
    return { lines, visibleIds };
  }

  const longest = rows.reduce((m, r) => Math.max(m, [...r.name].length), 4);
  const layout = fitColumns(width, longest);
  const headerLine = lines.length;
  lines.push(renderHeader(layout, width));
  // A terminal shows what fits and scrolls to keep the selection visible; plain output shows all.
  const room = input.height === undefined ? rows.length : Math.max(0, input.height - lines.length - 1);
  const at = state.selectedId === undefined ? -1 : visibleIds.indexOf(state.selectedId);
  const first = at >= room ? at - room + 1 : 0;
  let selectedLine: number | undefined;
  for (let i = first; i < Math.min(rows.length, first + room); i++) {
    if (i === at) selectedLine = lines.length;
    lines.push(renderRow(layout, rows[i], width));
  }
  if (rows.length === 0) lines.push(input.rows.length === 0 ? '(no running containers)' : '(no container matches the filter)');
  if (input.height !== undefined) {
    lines.length = Math.min(lines.length, Math.max(1, input.height - 1));
    lines.push(clip(state.editing !== undefined ? 'filter: type, Enter applies, Esc cancels' : LIST_HELP, width));
  }
  return { lines, headerLine, selectedLine, visibleIds };
}
