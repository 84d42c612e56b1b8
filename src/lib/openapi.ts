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
export const WRITE_ERRORS = [400, 401, 413, 415, 422, 429] as const;

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
