// Which container labels become tags: `tags.labels_include` / `labels_exclude` globs (`*`, `?`).
// An empty include list copies no labels (labels are unbounded cardinality; opt in explicitly).
// Compiled once; evaluated only when a container's tag set is (re)built, never per tick.
import { globToRegExp } from '../glob.js';

export type LabelFilter = (key: string) => boolean;

export function compileLabelFilter(include: readonly string[], exclude: readonly string[]): LabelFilter {
  if (include.length === 0) return () => false;
  const inc = include.map(globToRegExp);
  const exc = exclude.map(globToRegExp);
  return (key) => inc.some((r) => r.test(key)) && !exc.some((r) => r.test(key));
}
