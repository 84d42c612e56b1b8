import { z } from "@hono/zod-openapi";
import { PROBLEM_CONTENT_TYPE, ProblemSchema, STATUS_TITLES } from "./problem";

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

/** A required JSON body: a missing or non-JSON body is refused, never skipped. */
export const jsonBody = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
  required: true,
});

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The body is not valid JSON",
  401: "A write without a valid API key",
  404: "No such resource",
  409: "The write conflicts with existing data",
  412: "The resource changed since the ETag given in If-Match",
  413: "The body is larger than 1 MiB",
  415: "The body is not JSON",
  422: "The body or query breaks a rule; `errors` lists each broken field",
  429: "Rate limited; retry after Retry-After seconds",
  500: "An unexpected failure; details are in the log under the request id",
  503: "The database (or, for Idempotency-Key requests, Redis) cannot be reached",
};

const problemContent = (status: number) => ({
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
  description: ERROR_DESCRIPTIONS[status] ?? STATUS_TITLES[status] ?? "Error",
});

/** Problem+json responses for the given statuses, plus those every route can answer. */
export function errorResponses(...statuses: number[]) {
  const all = [...new Set([...statuses, 500, 503])].sort();
  return Object.fromEntries(all.map((s) => [s, problemContent(s)])) as Record<
    number,
    ReturnType<typeof problemContent>
  >;
}

export const READ_ERRORS = [429] as const;
// 409 also covers an Idempotency-Key whose first request is still running.
export const WRITE_ERRORS = [400, 401, 409, 413, 415, 422, 429] as const;

const Etag = z
  .string()
  .openapi({ description: "Strong entity tag of the representation", example: '"9a0364b9e99bb480dd25e1f0284c8555"' });
const XCache = z.enum(["HIT", "MISS", "BYPASS"]).openapi({
  description:
    "HIT: served from Redis, no database round trip. MISS: read from the database and cached. BYPASS: not cached (Redis off or unreachable, or not a 200).",
});
const Link = z
  .string()
  .optional()
  .openapi({ description: 'rel="next" while more may follow', example: '</products?page=2&page_size=2>; rel="next"' });
const RateLimitHeaders = {
  "RateLimit-Policy": z
    .string()
    .optional()
    .openapi({ description: "When rate limits are on", example: '"reads";q=100;w=60' }),
  RateLimit: z.string().optional().openapi({ description: "When rate limits are on", example: '"reads";r=99;t=42' }),
};

/** Headers a cached GET accepts. */
export const ConditionalReadHeaders = z.object({
  "if-none-match": z
    .string()
    .optional()
    .openapi({ description: "An ETag from an earlier answer: 304 while it still matches" }),
});

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
      headers: z.object({ ETag: Etag, "X-Cache": XCache, ...(options.paged ? { Link } : {}), ...RateLimitHeaders }),
    },
    304: {
      description: "Not modified: If-None-Match matches the current ETag",
      headers: z.object({ ETag: Etag, "X-Cache": XCache }),
    },
  };
}

/** Headers every write accepts; `ifMatch` for PUT and DELETE of one resource. */
export function writeHeaders(options: { ifMatch?: boolean } = {}) {
  return z.object({
    "idempotency-key": z.string().optional().openapi({
      description:
        "Makes retries safe: the first 2xx answer is kept 24 h and replayed (Idempotent-Replayed: true) for the same key and request",
      example: "9e8f3c1a-5b7d-4e2f-a0c4-1d2e3f4a5b6c",
    }),
    ...(options.ifMatch
      ? {
          "if-match": z.string().optional().openapi({
            description: "An ETag from a GET: the write fails with 412 if the resource changed since",
          }),
        }
      : {}),
  });
}

/** Headers on a write's success answer. */
export const WriteResponseHeaders = {
  ETag: z.string().optional().openapi({ description: "After a PUT: the new representation's ETag" }),
  "Idempotent-Replayed": z
    .literal("true")
    .optional()
    .openapi({ description: "This answer is a replay of the first request with the same Idempotency-Key" }),
  ...RateLimitHeaders,
};

export const IdParamsSchema = z.object({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, "must be a positive integer")
    .transform(Number)
    .refine(Number.isSafeInteger, "must be a positive integer")
    .openapi({ param: { name: "id", in: "path" }, example: "1", type: "integer" }),
});

export const PagingQuerySchema = z.object({
  page: z.coerce
    .number({ error: "must be an integer ≥ 1" })
    .int("must be an integer ≥ 1")
    .min(1, "must be an integer ≥ 1")
    .max(1_000_000)
    .default(1)
    .openapi({ example: 1 }),
  page_size: z.coerce
    .number({ error: "must be an integer from 1 to 100" })
    .int("must be an integer from 1 to 100")
    .min(1, "must be an integer from 1 to 100")
    .max(100, "must be an integer from 1 to 100")
    .default(2)
    .openapi({ example: 2 }),
});

export const DeletedSchema = z.object({ id: z.number().int(), deleted: z.literal(true) }).openapi("Deleted");

export const BatchDeletedSchema = z
  .object({ deleted: z.number().int(), not_found: z.array(z.number().int()) })
  .openapi("BatchDeleted");

export const IdListSchema = z
  .array(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER))
  .min(1)
  .max(1000)
  .openapi("IdList", { example: [1, 2] });

export const CountSchema = z.number().int().openapi({ example: 42 });
