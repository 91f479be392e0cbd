// Splits an image reference into name and tag. The tag is whatever follows the last ':' after the
// last '/', so a registry port (`localhost:5000/app`) is never mistaken for a tag.

export interface ImageRef {
  image: string;
  /** `unknown` when the reference has no tag or pins a digest. */
  tag: string;
}

export function splitImageRef(reference: string): ImageRef {
  const ref = reference.trim();
  if (ref === '') return { image: 'unknown', tag: 'unknown' };
  // `sha256:…` (a container created from an image id) is an id, not name:tag.
  if (/^sha256:[0-9a-f]+$/.test(ref)) return { image: ref, tag: 'unknown' };
  const at = ref.indexOf('@');
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const image = hasTag ? named.slice(0, colon) : named;
  if (at >= 0 || !hasTag) return { image, tag: 'unknown' };
  return { image, tag: named.slice(colon + 1) };
}
