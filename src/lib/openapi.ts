import { z } from "@hono/zod-openapi";
import { type FieldError, PROBLEM_CONTENT_TYPE, type Problem, ProblemSchema, STATUS_TITLES } from "./problem";

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

// Why a status can happen; the lists below are built from these parts.
/** Rate limits, and the unexpected. */
const ANY = [429, 500] as const;
/** The database cannot be reached or did not answer in time (for a write: its outcome is unknown). */
const DATABASE = [503] as const;
/** A path id: malformed (422) or unknown (404). */
const BY_ID = [404, 422] as const;
/** Query parameters that break a rule. */
const QUERY = [422] as const;
/**
 * Every write: no key (401), a conflict or its Idempotency-Key still running (409), a rule
 * broken or the Idempotency-Key malformed or reused for another request (422).
 */
const WRITE = [401, 409, 422] as const;
/** A body: not JSON (415), malformed (400), too large (413), breaking a rule (422). */
const BODY = [400, 413, 415, 422] as const;
/** If-Match names a version the resource no longer has. */
const IF_MATCH = [412] as const;

/**
 * The error statuses each kind of operation can answer, kept in this one place: a status the
 * API starts answering is added to its part above and reaches every operation of that kind.
 * Literal types, so hono/client types each status's body.
 */
export const errorStatuses = {
  /** Answered by the Worker alone: GET / and /health (whose 503 is its own body). */
  meta: [...ANY],
  /** A read without parameters. */
  read: [...ANY, ...DATABASE],
  /** A read with query parameters. */
  readQuery: [...ANY, ...DATABASE, ...QUERY],
  /** A read of one resource by id. */
  readOne: [...ANY, ...DATABASE, ...BY_ID],
  /** A write with a body and no path id (POST, batch DELETE). */
  write: [...ANY, ...DATABASE, ...WRITE, ...BODY],
  /** PUT of one resource. */
  replaceOne: [...ANY, ...DATABASE, ...WRITE, ...BODY, ...BY_ID, ...IF_MATCH],
  /** DELETE of one resource: no body. */
  deleteOne: [...ANY, ...DATABASE, ...WRITE, ...BY_ID, ...IF_MATCH],
} as const;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The body is not valid JSON",
  401: "A write without a valid API key",
  404: "No such resource",
  409: "The write conflicts with existing data, or a request with this Idempotency-Key is still running",
  412: "The resource changed since the ETag given in If-Match",
  413: "The body is larger than 1 MiB",
  415: "The body is not JSON",
  422: "The body, path or query breaks a rule (`errors` lists each broken field), or the Idempotency-Key is malformed or was used for another request",
  429: "Rate limited; retry after Retry-After seconds",
  500: "An unexpected failure; details are in the log under the request id",
  503: "The database cannot be reached or did not answer in time; for a write, `detail` says its outcome is unknown (retry with the same Idempotency-Key to learn it); retry after Retry-After seconds",
};

const retryAfter = (description: string) =>
  z.string().openapi({ description: `Seconds to wait: ${description}`, example: "1" });

const rateLimitHeaders = (write: boolean) => ({
  "RateLimit-Policy": z
    .string()
    .optional()
    .openapi({
      description: "The caller's limit, when rate limits are on",
      example: write ? '"writes";q=60;w=60' : '"reads";q=100;w=60',
    }),
  RateLimit: z
    .string()
    .optional()
    .openapi({
      description: "What is left of it, when rate limits are on",
      example: write ? '"writes";r=59;t=42' : '"reads";r=99;t=42',
    }),
});

function errorHeaders(status: number, write: boolean) {
  switch (status) {
    case 401:
      return z.object({
        "WWW-Authenticate": z.string().openapi({ description: "The scheme to use", example: 'Bearer realm="api"' }),
      });
    case 409:
      return z.object({
        "Retry-After": retryAfter("sent while the same Idempotency-Key is still running").optional(),
      });
    case 429:
      return z.object({ "Retry-After": retryAfter("until the window has room again"), ...rateLimitHeaders(write) });
    case 503:
      return z.object({ "Retry-After": retryAfter("before retrying") });
    default:
      return undefined;
  }
}

/** What an operation's problems say; each status's example is a body that status really has. */
export interface ProblemExamples {
  /** The request path the examples' `instance` shows, e.g. `/products/1`. */
  instance: string;
  /** For operations on one resource: its name, e.g. `Product` ("Product 1 does not exist"). */
  resource?: string;
  /** The field a 422 example names; defaults to a malformed path id. */
  invalid?: FieldError;
  /** The 409 example's detail; defaults to an Idempotency-Key still running. */
  conflict?: string;
}

const EXAMPLE_REQUEST_ID = "0b9f4c1e-6a4e-4f5a-9d0c-5c1f2b7e8a90";
const INVALID_ID: FieldError = { path: "id", message: "must be a positive integer", code: "invalid_format" };

function exampleDetail(status: number, ex: ProblemExamples, write: boolean): Pick<Problem, "detail" | "errors"> {
  const resource = `${ex.resource ?? "Resource"} 1`;
  switch (status) {
    case 400:
      return { detail: "The body is not valid JSON" };
    case 401:
      return { detail: "Writes need an API key: send Authorization: Bearer <key>" };
    case 404:
      return { detail: `${resource} does not exist` };
    case 409:
      return { detail: ex.conflict ?? "A request with this Idempotency-Key is still being processed; retry later" };
    case 412:
      return { detail: `${resource} has changed since the ETag in If-Match` };
    case 413:
      return { detail: "The body is larger than 1048576 bytes" };
    case 415:
      return { detail: "The body must be JSON (Content-Type: application/json), not text/plain" };
    case 422: {
      const invalid = ex.invalid ?? INVALID_ID;
      return { detail: `${invalid.path}: ${invalid.message}`, errors: [invalid] };
    }
    case 429:
      return {
        detail: write
          ? "Rate limit of 60 writes per minute reached; retry after 42 s"
          : "Rate limit of 100 reads per minute reached; retry after 42 s",
      };
    case 503:
      return { detail: "The database cannot be reached; retry shortly" };
    default:
      return { detail: `An unexpected error occurred; quote request id ${EXAMPLE_REQUEST_ID} when reporting it` };
  }
}

function problemResponse(status: number, ex: ProblemExamples, write: boolean) {
  const example: Problem = {
    type: "about:blank",
    title: STATUS_TITLES[status] ?? "Error",
    status,
    ...exampleDetail(status, ex, write),
    instance: ex.instance,
    request_id: EXAMPLE_REQUEST_ID,
  };
  const headers = errorHeaders(status, write);
  return {
    content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema, example } },
    description: ERROR_DESCRIPTIONS[status] ?? STATUS_TITLES[status] ?? "Error",
    ...(headers ? { headers } : {}),
  };
}

/** Problem+json responses for `statuses` (from `errorStatuses`), each with its own example body. */
export function errorResponses<const S extends readonly number[]>(statuses: S, examples: ProblemExamples) {
  const write = statuses.includes(401);
  return Object.fromEntries(statuses.map((s) => [s, problemResponse(s, examples, write)])) as {
    [Status in S[number]]: ReturnType<typeof problemResponse>;
  };
}

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
        ...rateLimitHeaders(false),
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
    ...rateLimitHeaders(true),
  });
}

export const IdParamsSchema = z.object({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, "must be a positive integer")
    .transform(Number)
    .refine(Number.isSafeInteger, "must be a positive integer")
    .openapi({ param: { name: "id", in: "path" }, example: 1, type: "integer", minimum: 1 }),
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
