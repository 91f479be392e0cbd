// Operators' `*`/`?` globs (container names, labels) as anchored regular expressions.

/** Compiles a `*`/`?` glob into an anchored regular expression; every other character is literal. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
