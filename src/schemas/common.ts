import { z } from "@hono/zod-openapi";

// The schemas every resource shares: field rules, ids, batches and the small bodies writes answer.

export const MAX_MONEY = 9_999_999_999.99;
export const MAX_INT4 = 2_147_483_647;
/** How many items a batch may carry. */
export const MAX_BATCH = 1000;
/** Money's decimal form: at most two decimals. */
export const MONEY_FORM = /^-?\d+(\.\d{1,2})?$/;

/**
 * numeric(12,2) money. The two-decimals rule is checked on the number's shortest decimal
 * form (what JSON carried), not with float modulo, which misjudges values such as 0.29.
 */
export const Money = z
  .number({ error: "must be a number" })
  .min(0, "must be ≥ 0")
  .max(MAX_MONEY, `must be ≤ ${MAX_MONEY}`)
  .refine((v) => MONEY_FORM.test(String(v)), "must have at most 2 decimal places");

export const PositiveId = z
  .number({ error: "must be an integer" })
  .int("must be an integer")
  .min(1, "must be ≥ 1")
  .max(Number.MAX_SAFE_INTEGER, "is too large");

export const Timestamp = z.iso.datetime().openapi({ example: "2026-11-26T04:35:24.123Z" });

/** A field the API computes: a client may send back what it read, and it is ignored. */
export const readOnly = <T extends z.ZodType>(schema: T) => schema.optional().openapi({ readOnly: true });

/** Batch bodies: bare arrays of 1–1000 items. */
export const batchOf = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, "must have at least 1 item").max(MAX_BATCH, `must have at most ${MAX_BATCH} items`);

/** An integer column's range, for amounts and stock. */
export const Int4 = (min: number) =>
  z
    .number({ error: "must be an integer" })
    .int("must be an integer")
    .min(min, `must be ≥ ${min}`)
    .max(MAX_INT4, `must be ≤ ${MAX_INT4}`);

/** `{id}` in a path: a positive integer, else 422 (a valid id that does not exist is 404). */
export const IdParamsSchema = z.object({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, "must be a positive integer")
    .transform(Number)
    .refine(Number.isSafeInteger, "must be a positive integer")
    .openapi({ param: { name: "id", in: "path" }, example: 1, type: "integer", minimum: 1 }),
});

export const IdListSchema = z
  .array(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER))
  .min(1)
  .max(MAX_BATCH)
  .openapi("IdList", { example: [1, 2] });

export const CountSchema = z.number().int().openapi({ example: 42 });

export const DeletedSchema = z.object({ id: z.number().int(), deleted: z.literal(true) }).openapi("Deleted");

export const BatchDeletedSchema = z
  .object({ deleted: z.number().int(), not_found: z.array(z.number().int()) })
  .openapi("BatchDeleted");
