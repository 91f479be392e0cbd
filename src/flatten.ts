// Strings built with `+` or path.join are trees of V8 cons cells that stay so for as long as they
// are kept; reading one character flattens a string in place (the tree becomes garbage). For
// strings kept across ticks (series prefixes, cgroup dirs).

/** Keeps the reads observable, so that an optimising compiler cannot drop them. */
let sink = 0;

export function flattenInPlace(s: string): string {
  if (s.length > 0) sink ^= s.charCodeAt(s.length >> 1);
  return s;
}
