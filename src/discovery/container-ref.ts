// A container named the way a human names it: full id, a unique id prefix (the 12-character short
// id or fewer), or its name (with or without the leading '/'). For the REST API and `cgflux ps`.
import type { ContainerInfo } from '../model.js';

export type RefResult = { ok: true; container: ContainerInfo } | { ok: false; message: string };

const MIN_PREFIX = 4;

export function findContainer(containers: readonly ContainerInfo[], ref: string): RefResult {
  const want = ref.startsWith('/') ? ref.slice(1) : ref;
  if (want === '') return { ok: false, message: 'no container named: give a name, an id or an id prefix' };
  const byName = containers.find((c) => c.name === want);
  if (byName) return { ok: true, container: byName };
  const lower = want.toLowerCase();
  if (/^[0-9a-f]+$/.test(lower) && lower.length >= MIN_PREFIX) {
    const matches = containers.filter((c) => c.id.startsWith(lower));
    if (matches.length === 1) return { ok: true, container: matches[0] };
    if (matches.length > 1) return { ok: false, message: `"${ref}" is the start of ${matches.length} container ids (${matches.map((c) => c.name).join(', ')}): give more of the id or a name` };
  }
  return { ok: false, message: `no container "${ref}" among the ${containers.length} cgflux watches (by name, id or id prefix of at least ${MIN_PREFIX} characters; see "cgflux containers")` };
}
