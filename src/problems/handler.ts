import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { AppEnv } from "../app-env";
import { ConfigError } from "../env";
import { log } from "../lib/log";
import { requestScope } from "../lib/request-scope";
import { problem } from "./catalogue";
import { apiErrorFromDb } from "./database";
import { ApiError, type FieldError, PROBLEM_CONTENT_TYPE, problemBody, STATUS_TITLES } from "./problem";

// An answer carries at most this many field errors (and says how many there were), so a request
// with 50,000 unknown keys cannot make an answer larger than itself.
const MAX_FIELD_ERRORS = 50;

export function problemResponse(c: Context<AppEnv>, error: ApiError): Response {
  const body = problemBody(error, new URL(c.req.url).pathname, c.get("requestId") ?? "");
  return c.body(JSON.stringify(body), error.status as ContentfulStatusCode, {
    "Content-Type": PROBLEM_CONTENT_TYPE,
    ...error.extra.headers,
  });
}

const TARGET_NAMES: Record<string, string> = { json: "body", query: "query", param: "path" };

/** One FieldError per broken field; unknown keys are listed one by one. */
function fieldErrors(error: z.ZodError, target?: string): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: base ? `${base}.${key}` : key,
        message: "Unknown field",
        code: issue.code,
      }));
    }
    return [{ path: base || TARGET_NAMES[target ?? ""] || "body", message: issue.message, code: issue.code }];
  });
}

export function validationError(error: z.ZodError, target?: string): ApiError {
  const all = fieldErrors(error, target);
  const errors = all.slice(0, MAX_FIELD_ERRORS);
  const listed = errors.map((e) => `${e.path}: ${e.message}`).join("; ");
  const detail =
    all.length === 1 && errors[0]
      ? `${errors[0].path}: ${errors[0].message}`
      : `${all.length} problems with the ${TARGET_NAMES[target ?? ""] ?? "request"}: ${listed}${
          all.length > errors.length ? `; and ${all.length - errors.length} more` : ""
        }`;
  return problem("invalid_request", { detail, errors, ...(all.length > errors.length ? { total: all.length } : {}) });
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ApiError) return problemResponse(c, err);
  const mapped = apiErrorFromDb(err, requestScope.getStore()?.dbTimeoutMs ?? 0);
  if (mapped) {
    if (mapped.status >= 500) log.error(c, "database unavailable or silent", err);
    return problemResponse(c, mapped);
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own validators and body limit speak HTTPException: its status and message are the
    // problem, in our shape (the one status the catalogue does not decide).
    return problemResponse(c, new ApiError(err.status, err.message || STATUS_TITLES[err.status] || "Error"));
  }
  log.error(c, err instanceof ConfigError ? "configuration error" : "unhandled error", err);
  return problemResponse(c, problem("unexpected", { requestId: c.get("requestId") ?? "" }));
};

export const notFound: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(c, problem("no_route", { method: c.req.method, path: new URL(c.req.url).pathname }));
