import { RESOURCES, type Resource } from "../resources";
import { ApiError, type FieldError } from "./problem";

const KEY = "must be 1–255 visible ASCII characters";
const bearerChallenge = () => ({ "WWW-Authenticate": 'Bearer realm="api"' });
const retryIn5 = () => ({ "Retry-After": "5" });

const one = (resource: Resource | undefined) => RESOURCES[resource ?? "product"].name;
const unknownIds = (f: { resource?: Resource; ids?: (number | string)[] }) =>
  `Unknown ${one(f.resource).toLowerCase()} ids: ${(f.ids ?? []).join(", ")}`;

/**
 * Every problem the API answers, by code: its status, its detail (from the facts of the case),
 * the field errors and headers it carries. The code that raises a problem and the OpenAPI
 * examples (problems/openapi.ts) both read this one table; a domain code is also what the SQL
 * guards raise (`raise_domain`), so a database answer maps back here by code.
 */
const CATALOGUE = {
  invalid_json: { status: 400, detail: () => "The body is not valid JSON" },
  body_too_large: { status: 413, detail: (f: { limit: number }) => `The body is larger than ${f.limit} bytes` },
  not_json: {
    status: 415,
    detail: (f: { contentType: string | undefined }) =>
      `The body must be JSON (Content-Type: application/json), not ${f.contentType ?? "absent"}`,
  },
  no_api_keys: {
    status: 401,
    detail: () =>
      "Writes are disabled because no API keys are configured: set API_KEYS (wrangler secret put API_KEYS), or AUTH_DISABLED=true for local development",
    headers: bearerChallenge,
  },
  missing_api_key: {
    status: 401,
    detail: () => "Writes need an API key: send Authorization: Bearer <key>",
    headers: bearerChallenge,
  },
  invalid_api_key: {
    status: 401,
    detail: () => "The API key is not valid",
    headers: bearerChallenge,
  },
  rate_limited: {
    status: 429,
    detail: (f: { writes: boolean; seconds: number }) =>
      `Rate limit for ${f.writes ? "writes" : "reads"} reached; retry after ${f.seconds} s`,
    headers: (f: { seconds: number }) => ({ "Retry-After": String(f.seconds) }),
  },
  no_route: { status: 404, detail: (f: { method: string; path: string }) => `No route for ${f.method} ${f.path}` },
  method_not_allowed: {
    status: 405,
    detail: (f: { method: string; path: string; allow: string }) =>
      `${f.method} is not allowed on ${f.path}; it allows ${f.allow}`,
    headers: (f: { allow: string }) => ({ Allow: f.allow }),
  },
  no_such_file: { status: 404, detail: (f: { file: string }) => `No such file: ${f.file}` },
  docs_not_deployed: { status: 404, detail: () => "The docs page's files are not deployed (no ASSETS binding)" },
  /** A request that breaks its route's schema: the detail and errors come from the validator. */
  invalid_request: {
    status: 422,
    detail: (f: { detail: string; errors: FieldError[]; total?: number }) => f.detail,
    errors: (f: { errors: FieldError[] }) => f.errors,
    total: (f: { total?: number }) => f.total,
  },
  invalid_idempotency_key: {
    status: 422,
    detail: () => `Idempotency-Key ${KEY}`,
    errors: () => [{ path: "Idempotency-Key", message: KEY, code: "invalid_format" }],
  },
  idempotency_key_reused: {
    status: 422,
    detail: () => "This Idempotency-Key was already used with a different request",
  },
  body_id_mismatch: {
    status: 422,
    detail: (f: { field: string; bodyId: number; pathId: number }) =>
      `${f.field} in the body (${f.bodyId}) must equal the id in the path (${f.pathId})`,
    errors: (f: { field: string }) => [{ path: f.field, message: "must equal the id in the path", code: "custom" }],
  },
  not_found: {
    status: 404,
    detail: (f: { resource?: Resource; id?: number | string }) => `${one(f.resource)} ${f.id} does not exist`,
  },
  unknown_ids: {
    status: 422,
    detail: unknownIds,
    errors: (f: { resource?: Resource; ids?: (number | string)[]; field?: string }) => [
      { path: f.field ?? "body", message: unknownIds(f), code: "not_found" },
    ],
  },
  version_mismatch: {
    status: 412,
    detail: (f: { resource?: Resource; id?: number | string }) =>
      `${one(f.resource)} ${f.id} has changed since the ETag in If-Match`,
  },
  // RFC 9110 §13.1.1: `If-Match: *` is false when there is no current representation.
  missing_for_if_match: {
    status: 412,
    detail: (f: { resource?: Resource; id?: number | string }) =>
      `${one(f.resource)} ${f.id} does not exist, and If-Match requires a current one`,
  },
  still_referenced: {
    status: 409,
    detail: (f: { resource: Resource; id: string; by: Resource }) =>
      `${one(f.resource)} ${f.id} is still referenced by ${RESOURCES[f.by].plural}`,
  },
  missing_reference: {
    status: 422,
    detail: (f: { column: string; id: string }) => `${f.column} ${f.id} does not exist`,
  },
  write_conflict: {
    status: 409,
    detail: () => "The write conflicted with a concurrent write; retry it",
    headers: () => ({ "Retry-After": "1" }),
  },
  data_rule: { status: 422, detail: () => "The data breaks a rule of the database" },
  duplicate: { status: 409, detail: () => "The write would duplicate a value that must be unique" },
  too_large_for_db: { status: 413, detail: () => "The request is too large for the database" },
  outcome_unknown: {
    status: 503,
    detail: () =>
      "The write was sent but the database's answer never arrived, so its outcome is unknown. Retry it with the same Idempotency-Key to learn the outcome, or read the resource first.",
    headers: retryIn5,
  },
  db_timeout: {
    status: 503,
    detail: (f: { ms: number }) => `The database did not answer within ${f.ms} ms; retry shortly`,
    headers: retryIn5,
  },
  db_unreachable: {
    status: 503,
    detail: () => "The database cannot be reached; retry shortly",
    headers: retryIn5,
  },
  unexpected: {
    status: 500,
    detail: (f: { requestId: string }) =>
      `An unexpected error occurred; quote request id ${f.requestId} when reporting it`,
  },
} satisfies Record<string, Entry<never>>;

interface Entry<F> {
  status: number;
  detail: (facts: F) => string;
  errors?: (facts: F) => FieldError[];
  total?: (facts: F) => number | undefined;
  headers?: (facts: F) => Record<string, string>;
}

export type ProblemCode = keyof typeof CATALOGUE;

/** The facts a problem's detail is made from; none for a problem whose detail is fixed. */
export type Facts<C extends ProblemCode> =
  Parameters<(typeof CATALOGUE)[C]["detail"]> extends [] ? [] : Parameters<(typeof CATALOGUE)[C]["detail"]>;

/** The error to throw for problem `code`: the error handler answers it as problem+json. */
export function problem<C extends ProblemCode>(code: C, ...facts: Facts<C>): ApiError {
  // The facts were checked against this code's entry by `Facts<C>`; read through the common shape.
  const entry = CATALOGUE[code] as Entry<unknown>;
  const f = facts[0];
  const errors = entry.errors?.(f);
  const total = entry.total?.(f);
  return new ApiError(entry.status, entry.detail(f), {
    ...(errors ? { errors } : {}),
    ...(total ? { errorsTotal: total } : {}),
    ...(entry.headers ? { headers: entry.headers(f) } : {}),
  });
}
