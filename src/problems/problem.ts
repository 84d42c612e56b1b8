import { z } from "@hono/zod-openapi";

const FieldErrorSchema = z
  .object({
    path: z.string().openapi({ example: "amounts" }),
    message: z.string().openapi({ example: "Too small: expected array to have >=1 items" }),
    code: z.string().openapi({ example: "too_small" }),
  })
  .openapi("FieldError");

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "about:blank" }),
    title: z.string().openapi({ example: "Unprocessable Content" }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string().openapi({ example: "product_ids and amounts must have the same length" }),
    instance: z.string().openapi({ example: "/orders" }),
    request_id: z.string().openapi({ example: "5b0cb5e0-9a0e-4d43-9d4a-3f1f0a8c0c11" }),
    errors: z.array(FieldErrorSchema).optional(),
    errors_total: z
      .number()
      .int()
      .optional()
      .openapi({ description: "How many field errors there were, when `errors` lists only the first 50" }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details; every error has this shape." });

export type FieldError = z.infer<typeof FieldErrorSchema>;
export type Problem = z.infer<typeof ProblemSchema>;

export const STATUS_TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/**
 * The one error type handlers and services throw. It carries everything the problem+json
 * body needs, so the error handler is the only place that writes error responses.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; errorsTotal?: number; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

/** The problem+json body of `error`, as answered at `instance` for request `requestId`. */
export function problemBody(error: ApiError, instance: string, requestId: string): Problem {
  return {
    type: "about:blank",
    title: STATUS_TITLES[error.status] ?? "Error",
    status: error.status,
    detail: error.detail,
    instance,
    request_id: requestId,
    ...(error.extra.errors ? { errors: error.extra.errors } : {}),
    ...(error.extra.errorsTotal ? { errors_total: error.extra.errorsTotal } : {}),
  };
}
