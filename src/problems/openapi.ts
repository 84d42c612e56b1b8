import { z } from "@hono/zod-openapi";
import { MAX_BODY_BYTES } from "../lib/http";
import type { Resource } from "../resources";
import { problem } from "./catalogue";
import {
  type ApiError,
  type FieldError,
  PROBLEM_CONTENT_TYPE,
  ProblemSchema,
  problemBody,
  STATUS_TITLES,
} from "./problem";

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
 * Every write: no key (401), a conflict with existing data or a concurrent write (409), a rule
 * broken or the Idempotency-Key malformed or reused for another request (422).
 */
const WRITE = [401, 409, 422] as const;
/** A body: not JSON (415), malformed (400), too large (413), breaking a rule (422). */
const BODY = [400, 413, 415, 422] as const;
/** A body where none is asked for is still read: malformed (400), too large (413), not JSON (415). */
const STRAY_BODY = [400, 413, 415] as const;
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
  /** DELETE of one resource: it takes no body, but one sent is checked like any. */
  deleteOne: [...ANY, ...DATABASE, ...WRITE, ...STRAY_BODY, ...BY_ID, ...IF_MATCH],
} as const;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The body is not valid JSON",
  401: "A write without a valid API key",
  404: "No such resource",
  409: "The write conflicts with existing data, or with a concurrent write (retry after Retry-After seconds)",
  412: "The resource changed since the ETag given in If-Match",
  413: "The body is larger than 1 MiB",
  415: "The body is not JSON",
  422: "The body, path or query breaks a rule (`errors` lists each broken field), or the Idempotency-Key is malformed or was used for another request",
  429: "Rate limited; retry after Retry-After seconds",
  500: "An unexpected failure; details are in the log under the request id",
  503: "The database cannot be reached, did not answer in time, or its endpoint answered something other than Postgres (a rate limit, a gateway page); for a write, `detail` says its outcome is unknown (retry with the same Idempotency-Key to learn it); retry after Retry-After seconds",
};

const retryAfter = (description: string) =>
  z.string().openapi({ description: `Seconds to wait: ${description}`, example: "1" });

function errorHeaders(status: number) {
  switch (status) {
    case 401:
      return z.object({
        "WWW-Authenticate": z.string().openapi({ description: "The scheme to use", example: 'Bearer realm="api"' }),
      });
    case 409:
      return z.object({
        "Retry-After": retryAfter("sent when a concurrent write made this one fail").optional(),
      });
    case 429:
      return z.object({ "Retry-After": retryAfter("until the limiter's period (60 s) starts again") });
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
  /** For operations on one resource: which ("Product 1 does not exist"). */
  resource?: Resource;
  /** The field a 422 example names; defaults to a malformed path id. */
  invalid?: FieldError;
  /** The 409 example; defaults to a conflict with a concurrent write. */
  conflict?: ApiError;
}

const EXAMPLE_REQUEST_ID = "0b9f4c1e-6a4e-4f5a-9d0c-5c1f2b7e8a90";
const INVALID_ID: FieldError = { path: "id", message: "must be a positive integer", code: "invalid_format" };

/** A status's example: the catalogue's own problem for that status, with example facts. */
function exampleProblem(status: number, ex: ProblemExamples, write: boolean): ApiError {
  const resource = ex.resource ?? "product";
  switch (status) {
    case 400:
      return problem("invalid_json");
    case 401:
      return problem("missing_api_key");
    case 404:
      return problem("not_found", { resource, id: 1 });
    case 409:
      return ex.conflict ?? problem("write_conflict");
    case 412:
      return problem("version_mismatch", { resource, id: 1 });
    case 413:
      return problem("body_too_large", { limit: MAX_BODY_BYTES });
    case 415:
      return problem("not_json", { contentType: "text/plain" });
    case 422: {
      const invalid = ex.invalid ?? INVALID_ID;
      return problem("invalid_request", { detail: `${invalid.path}: ${invalid.message}`, errors: [invalid] });
    }
    case 429:
      return problem("rate_limited", { writes: write, seconds: 60 });
    case 503:
      return problem("db_unreachable");
    default:
      return problem("unexpected", { requestId: EXAMPLE_REQUEST_ID });
  }
}

function problemResponse(status: number, ex: ProblemExamples, write: boolean) {
  const example = exampleProblem(status, ex, write);
  const body = problemBody(example, ex.instance, EXAMPLE_REQUEST_ID);
  const headers = errorHeaders(status);
  return {
    content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema, example: body } },
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
