import { z } from "@hono/zod-openapi";
import { type FieldError, PROBLEM_CONTENT_TYPE, type Problem, ProblemSchema, STATUS_TITLES } from "../problem";

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
  /** For operations on one resource: its name, e.g. `Product` ("Product 1 does not exist"). */
  resource?: string;
  /** The field a 422 example names; defaults to a malformed path id. */
  invalid?: FieldError;
  /** The 409 example's detail; defaults to a conflict with a concurrent write. */
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
      return { detail: ex.conflict ?? "The write conflicted with a concurrent write; retry it" };
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
        detail: `Rate limit for ${write ? "writes" : "reads"} reached; retry after 60 s`,
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
  const headers = errorHeaders(status);
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
