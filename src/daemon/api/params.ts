// Query parameters of GET /api/v1/containers/<c>/processes, checked: a bad one is a 400 with a
// sentence naming the parameter and what it takes.

export interface ProcessesQuery {
  sort: 'cpu' | 'mem';
  limit: number;
  count: number;
  /** Seconds; 0 = one tick. */
  intervalS: number;
}

export class BadParameter extends Error {}

const KNOWN = new Set(['sort', 'limit', 'count', 'interval']);

function int(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) throw new BadParameter(`${name}=${JSON.stringify(text)}: expected a whole number from ${min} to ${max}`);
  return n;
}

/** `maxLimit`: processes kept per tick (2 × top); `history`: ticks kept; `tickS`: the interval. */
export function parseProcessesQuery(search: URLSearchParams, bounds: { maxLimit: number; history: number; tickS: number }): ProcessesQuery {
  for (const key of search.keys()) if (!KNOWN.has(key)) throw new BadParameter(`unknown parameter "${key}": the parameters are sort, limit, count and interval`);
  const sortText = search.get('sort') ?? 'cpu';
  if (sortText !== 'cpu' && sortText !== 'mem') throw new BadParameter(`sort=${JSON.stringify(sortText)}: expected cpu or mem`);
  const limit = search.has('limit') ? int('limit', search.get('limit')!, 1, bounds.maxLimit) : Math.min(bounds.maxLimit, 10);
  const count = search.has('count') ? int('count', search.get('count')!, 1, bounds.history) : 1;
  const maxInterval = Math.max(1, Math.floor(bounds.history * bounds.tickS));
  const intervalS = search.has('interval') ? int('interval', search.get('interval')!, 0, maxInterval) : 0;
  return { sort: sortText, limit, count, intervalS };
}
