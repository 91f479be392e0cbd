// The `cgflux top` filter: words separated by spaces, all of which must match. `key=value` matches
// a label (the value may be a `*`/`?` glob), any other word a part of the container's name
// (case-insensitive), as a person typing `web` or `com.docker.compose.project=shop` expects.
import { globToRegExp } from '../glob.js';

export type Matcher = (c: { name: string; labels: Readonly<Record<string, string>> }) => boolean;

export function compileFilter(text: string): Matcher {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const tests: Matcher[] = words.map((word) => {
    const eq = word.indexOf('=');
    if (eq > 0) {
      const key = word.slice(0, eq);
      const value = globToRegExp(word.slice(eq + 1));
      return (c) => Object.hasOwn(c.labels, key) && value.test(c.labels[key]);
    }
    const part = word.toLowerCase();
    return (c) => c.name.toLowerCase().includes(part);
  });
  return (c) => tests.every((t) => t(c));
}
