import type { Context } from "hono";

/**
 * When another page follows, points `Link` at it. Only the paging parameters are carried over:
 * unknown query parameters are not part of what the list answers, nor of its cache key.
 */
export function linkNextPage(c: Context, more: boolean, page: number, pageSize: number): void {
  if (!more) return;
  const path = new URL(c.req.url).pathname;
  c.header("Link", `<${path}?page=${page + 1}&page_size=${pageSize}>; rel="next"`);
}
