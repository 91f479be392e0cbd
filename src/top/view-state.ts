// What the person at the terminal chose: sort order, filter, the selected container, the view.
// A pure reducer from keys, so that every binding is tested without a terminal.
import type { Key } from './keys.js';
import { SORT_KEYS } from './sort.js';

export interface ViewState {
  sortId: string;
  reverse: boolean;
  filter: string;
  /** The filter being typed (after `/`), applied as it is typed; undefined when not editing. */
  editing?: string;
  /** Id of the selected container, kept across frames while it is listed. */
  selectedId?: string;
  mode: 'list' | 'processes' | 'help';
  quit: boolean;
}

export function initialState(sortId = 'cpu', filter = ''): ViewState {
  return { sortId, reverse: false, filter, mode: 'list', quit: false };
}

/** The filter in effect: what is being typed, else the applied one. */
export function activeFilter(s: ViewState): string {
  return s.editing ?? s.filter;
}

function move(s: ViewState, visibleIds: readonly string[], delta: number): ViewState {
  if (visibleIds.length === 0) return { ...s, selectedId: undefined };
  const at = s.selectedId === undefined ? -1 : visibleIds.indexOf(s.selectedId);
  let next: number;
  if (at < 0) next = delta > 0 ? 0 : visibleIds.length - 1;
  else next = Math.max(0, Math.min(visibleIds.length - 1, at + delta));
  return { ...s, selectedId: visibleIds[next] };
}

/** The state after `key`; `visibleIds` are the container ids in the order shown now. */
export function reduce(s: ViewState, key: Key, visibleIds: readonly string[], pageSize = 10): ViewState {
  if (key.name === 'ctrl-c' || key.name === 'ctrl-d') return { ...s, quit: true };
  if (s.editing !== undefined) {
    if (key.name === 'enter') return { ...s, filter: s.editing.trim(), editing: undefined };
    if (key.name === 'escape') return { ...s, editing: undefined };
    if (key.name === 'backspace') return { ...s, editing: [...s.editing].slice(0, -1).join('') };
    if (key.name === 'char') return { ...s, editing: s.editing + key.char };
    return s;
  }
  if (key.name === 'char' && key.char === 'q') return { ...s, quit: true };
  if (s.mode !== 'list') {
    if (key.name === 'escape' || key.name === 'backspace' || key.name === 'left' || key.name === 'enter' || (key.name === 'char' && key.char === 'h')) {
      return { ...s, mode: 'list' };
    }
    return s;
  }
  switch (key.name) {
    case 'up':
      return move(s, visibleIds, -1);
    case 'down':
      return move(s, visibleIds, 1);
    case 'pageup':
      return move(s, visibleIds, -pageSize);
    case 'pagedown':
      return move(s, visibleIds, pageSize);
    case 'home':
      return visibleIds.length ? { ...s, selectedId: visibleIds[0] } : s;
    case 'end':
      return visibleIds.length ? { ...s, selectedId: visibleIds[visibleIds.length - 1] } : s;
    case 'enter':
    case 'right':
      return s.selectedId !== undefined && visibleIds.includes(s.selectedId) ? { ...s, mode: 'processes' } : s;
    case 'escape':
      return { ...s, selectedId: undefined };
    case 'char': {
      if (key.char === '/') return { ...s, editing: s.filter };
      if (key.char === 'h' || key.char === '?') return { ...s, mode: 'help' };
      if (key.char === 'r') return { ...s, reverse: !s.reverse };
      const sort = SORT_KEYS.find((k) => k.key === key.char);
      if (sort) return sort.id === s.sortId ? { ...s, reverse: !s.reverse } : { ...s, sortId: sort.id, reverse: false };
      return s;
    }
    default:
      return s;
  }
}
