import { z } from "@hono/zod-openapi";

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

/** A required JSON body: a missing or non-JSON body is refused, never skipped. */
export const jsonRequestBody = <T extends z.ZodType>(schema: T, description: string) => ({
  ...jsonContent(schema, description),
  required: true,
});

/** Reads are public; writes need the bearer key (the scheme is registered in app.ts). */
export const PUBLIC: { bearerAuth: string[] }[] = [];
export const BEARER = [{ bearerAuth: [] as string[] }];

const Etag = z.string().openapi({
  description: "Entity tag of the representation, for If-None-Match (and If-Match on PUT and DELETE)",
  example: '"9a0364b9e99bb480dd25e1f0284c8555"',
});
const XCache = z.enum(["HIT", "MISS", "BYPASS"]).openapi({
  description:
    "HIT: served from Redis, no database round trip. MISS: read from the database and cached. BYPASS: not cached (Redis off or unreachable, or not a 200).",
});
const Link = z
  .string()
  .optional()
  .openapi({ description: 'rel="next" while more may follow', example: '</products?page=2&page_size=2>; rel="next"' });

// Request headers are documented as parameters, not validated schemas: the middleware reads
// them, and hono/client then leaves them optional (its `headers` option) instead of requiring a
// `header` object on every call.
const header = (name: string, description: string) =>
  ({ name, in: "header", required: false, description, schema: { type: "string" } }) as const;

/** What a cached GET accepts. */
export const conditionalReadParameters = [
  header("If-None-Match", "An ETag from an earlier answer: 304 while it still matches"),
];

/** The 200 and 304 answers of a cached GET. */
export function cachedResponses<T extends z.ZodType>(
  schema: T,
  description: string,
  options: { paged?: boolean } = {},
) {
  return {
    200: {
      content: { "application/json": { schema } },
      description,
      headers: z.object({
        ETag: Etag,
        "X-Cache": XCache,
        ...(options.paged ? { Link } : {}),
      }),
    },
    304: {
      description: "Not modified: If-None-Match matches the current ETag",
      headers: z.object({ ETag: Etag, "X-Cache": XCache }),
    },
  };
}

/** What every write accepts; `ifMatch` for PUT and DELETE of one resource. */
export function writeParameters(options: { ifMatch?: boolean } = {}) {
  return [
    // No example on purpose: Swagger UI would pre-fill it, and every "Try it out" would share one key.
    header(
      "Idempotency-Key",
      "Makes retries safe: the first 2xx answer is kept 24 h and replayed (Idempotent-Replayed: true) for the same key and request. Use a fresh value (e.g. a UUID) per logical write.",
    ),
    ...(options.ifMatch
      ? [header("If-Match", "An ETag from a GET: the write fails with 412 if the resource changed since")]
      : []),
  ];
}

/**
 * Headers on a write's success answer. `location`: the new resource's path (POST of one);
 * `etag`: the new version (PUT).
 */
export function writeResponseHeaders(options: { location?: string; etag?: boolean } = {}) {
  return z.object({
    ...(options.location
      ? { Location: z.string().openapi({ description: "The created resource", example: options.location }) }
      : {}),
    ...(options.etag
      ? { ETag: Etag.openapi({ description: "The resource's new version, for a later If-Match or If-None-Match" }) }
      : {}),
    "Idempotent-Replayed": z
      .literal("true")
      .optional()
      .openapi({ description: "This answer is a replay of the first request with the same Idempotency-Key" }),
  });
}
