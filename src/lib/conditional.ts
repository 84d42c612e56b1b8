/** Strong entity tags are `"<32 hex>"`: an md5 of the representation, computed in Postgres. */
export const toEtag = (hex: string) => `"${hex}"`;

const TAG = /(?:W\/)?"([^"]*)"/g;

/**
 * The versions an `If-Match` header accepts, as bare hex, or undefined when it asks for none
 * (absent) or for any (`*`, which the 404 check already covers). Weak tags never match
 * (RFC 9110 §13.1.1), and anything not shaped like our tags cannot match, so both drop out;
 * an empty list then fails every existing resource with 412.
 */
export function ifMatchVersions(header: string | undefined): string[] | undefined {
  if (header === undefined || header.trim() === "*") return undefined;
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

/** A Postgres text[] literal of hex strings (already filtered to [0-9a-f]). */
export const hexArray = (values: readonly string[]) => `{${values.join(",")}}`;
