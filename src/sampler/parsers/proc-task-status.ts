// Parser of /proc/<tid>/status for the context-switch collector (Tgid, voluntary_ctxt_switches,
// nonvoluntary_ctxt_switches). These are ONE task's counters: /proc/<pid>/status shows the
// thread-group leader only, never the sum over its threads.
import { parseU64 } from './u64.js';

export interface TaskContextSwitches {
  /** Thread-group (process) id, undefined when the line is missing. */
  tgid: number | undefined;
  voluntary: bigint;
  involuntary: bigint;
}

/** The value after `key` (which starts with '\n'), up to the end of its line; undefined when the
 *  key is missing, the value is not a number, or the line is cut (no newline after it). */
function valueAfter(text: string, key: string): bigint | undefined {
  const at = text.indexOf(key);
  if (at < 0) return undefined;
  let i = at + key.length;
  while (i < text.length && (text.charCodeAt(i) === 9 || text.charCodeAt(i) === 32)) i++;
  const end = text.indexOf('\n', i);
  if (end < 0) return undefined;
  return parseU64(text, i, end);
}

/** undefined when either context-switch counter is missing or malformed. */
export function parseTaskStatus(text: string): TaskContextSwitches | undefined {
  // The leading newline keeps `voluntary_ctxt_switches:` from matching inside `nonvoluntary_…`.
  const voluntary = valueAfter(text, '\nvoluntary_ctxt_switches:');
  const involuntary = valueAfter(text, '\nnonvoluntary_ctxt_switches:');
  if (voluntary === undefined || involuntary === undefined) return undefined;
  const tgid = valueAfter(text, '\nTgid:');
  return { tgid: tgid === undefined ? undefined : Number(tgid), voluntary, involuntary };
}
