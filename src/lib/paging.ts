import { z } from "@hono/zod-openapi";
import type { Context } from "hono";

/**
 * Paging of lists, by page number (as the old service had) or by keyset: `after=<id>` answers
 * the page that follows that id, whatever its depth, in the time of the first page. No parameter
 * carries an example or a `default` in the document: Swagger UI's "Try it out" fills a field with
 * either, and a pre-filled `after` answered `[]` on a young database. Defaults are applied after
 * validation and stated in the descriptions.
 */
export const PagingQuerySchema = z.object({
  page: z.coerce
    .number({ error: "must be an integer ≥ 1" })
    .int("must be an integer ≥ 1")
    .min(1, "must be an integer ≥ 1")
    .max(1_000_000)
    .optional()
    .transform((page) => page ?? 1)
    .openapi({ description: "Page number, from 1 (default 1)" }),
  page_size: z.coerce
    .number({ error: "must be an integer from 1 to 100" })
    .int("must be an integer from 1 to 100")
    .min(1, "must be an integer from 1 to 100")
    .max(100, "must be an integer from 1 to 100")
    .optional()
    .transform((size) => size ?? 2)
    .openapi({ description: "Items per page, from 1 to 100 (default 2)" }),
  after: z.coerce
    .number({ error: "must be an integer ≥ 0" })
    .int("must be an integer ≥ 0")
    .min(0, "must be an integer ≥ 0")
    .max(Number.MAX_SAFE_INTEGER, "must be an integer ≥ 0")
    .optional()
    .openapi({ description: "Keyset paging: the page of items with ids after this one (`page` is then ignored)" }),
});

export type Paging = z.infer<typeof PagingQuerySchema>;

/** One page of a list as Postgres built it, whether another follows, and its last id. */
export interface PageRow<Body> {
  [column: string]: unknown;
  body: Body;
  more: boolean;
  last: string | null;
}

/**
 * When another page follows, points `Link` at it: by keyset when the request paged by keyset,
 * else by page number. Unknown query parameters are not carried over: they are not part of what
 * the list answers, nor of its cache key.
 */
export function linkNextPage(c: Context, paging: Paging, page: Pick<PageRow<unknown>, "more" | "last">): void {
  if (!page.more) return;
  const path = new URL(c.req.url).pathname;
  const next =
    paging.after === undefined
      ? `page=${paging.page + 1}&page_size=${paging.page_size}`
      : `after=${page.last}&page_size=${paging.page_size}`;
  c.header("Link", `<${path}?${next}>; rel="next"`);
}
