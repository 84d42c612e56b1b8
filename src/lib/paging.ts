import type { Context } from "hono";

/**
 * Trims the extra row a list query fetched and, when it was there, points `Link` at the next
 * page, keeping the caller's other query parameters.
 */
export function pageOf<T>(c: Context, rows: T[], page: number, pageSize: number): T[] {
  if (rows.length <= pageSize) return rows;
  const next = new URL(c.req.url);
  next.searchParams.set("page", String(page + 1));
  next.searchParams.set("page_size", String(pageSize));
  c.header("Link", `<${next.pathname}${next.search}>; rel="next"`);
  return rows.slice(0, pageSize);
}
