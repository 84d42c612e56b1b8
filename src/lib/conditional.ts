/** Strong entity tags are `"<32 hex>"`: an md5 of the representation, computed in Postgres. */
export const toEtag = (hex: string) => `"${hex}"`;

const TAG = /(?:W\/)?"([^"]*)"/g;

/**
 * What an `If-Match` header asks of a write: nothing (absent), any current representation
 * (`*`), or one of these versions (bare hex). Weak tags never match (RFC 9110 §13.1.1), and
 * anything not shaped like our tags cannot match, so both drop out; an empty list then fails
 * every existing resource with 412.
 */
export type IfMatch = undefined | "*" | string[];

export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined) return undefined;
  if (header.trim() === "*") return "*";
  return [...header.matchAll(TAG)]
    .filter((m) => !m[0].startsWith("W/"))
    .map((m) => m[1] ?? "")
    .filter((v) => /^[0-9a-f]{32}$/.test(v));
}

/** `If-None-Match` uses the weak comparison: W/"x" matches "x". */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  const wanted = etag.replace(/^W\//, "");
  return [...header.matchAll(TAG)].some((m) => `"${m[1]}"` === wanted);
}
