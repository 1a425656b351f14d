/**
 * A short version of a piece of reference data (FNV-1a over its JSON): the same content,
 * the same version. Orders carry it beside the catalog entries and payer policy they
 * loaded, so an operator can tell which edition of the reference data a running order
 * works by. Not a security hash; keys are written in the order the data has them.
 */
export function contentVersion(value: unknown): string {
  const text = JSON.stringify(value);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `fnv1a-${hash.toString(16).padStart(8, '0')}`;
}
