import { z } from "@hono/zod-openapi";
import { WELL_FORMED } from "../lib/utf8";
import { Int4, Money, PositiveId, readOnly, Timestamp } from "../schemas/common";

/** The API's Product: what every answer with a product carries, built in SQL to this shape. */
export const ProductSchema = z
  .object({
    id: z.number().int().openapi({ example: 1 }),
    product_name: z.string().openapi({ example: "Desk" }),
    price: z.number().openapi({ example: 100 }),
    cost: z.number().openapi({ example: 50 }),
    stock: z.number().int().openapi({ example: 10 }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Product");

// Postgres refuses NUL in text, and no other control character belongs in a name.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
export const NO_CONTROL_CHARACTERS = /^[^\x00-\x1f\x7f-\x9f]*$/;

/** Postgres cannot store a lone surrogate; the platform would have stored U+FFFD in its place. */
const INVALID_UNICODE = "must be valid Unicode (no lone surrogate, no bytes that are not UTF-8)";

const productFields = {
  product_name: z
    .string({ error: "must be a string" })
    .trim()
    .min(1, "must not be empty")
    .max(255, "must be at most 255 characters")
    .regex(NO_CONTROL_CHARACTERS, "must not contain control characters")
    .regex(WELL_FORMED, INVALID_UNICODE)
    .openapi({ example: "Desk" }),
  price: Money.openapi({ example: 100 }),
  cost: Money.openapi({ example: 50 }),
  stock: Int4(0).openapi({ example: 10 }),
  created_at: readOnly(z.unknown()),
  updated_at: readOnly(z.unknown()),
};

export const ProductInputSchema = z
  .strictObject({ ...productFields, id: readOnly(z.unknown()) })
  .openapi("ProductInput");

/** PUT is a full replace; the body may carry the id it was read with, which must match. */
export const ProductReplaceSchema = z
  .strictObject({ ...productFields, id: PositiveId.optional().openapi({ example: 1 }) })
  .openapi("ProductReplace");

export type Product = z.infer<typeof ProductSchema>;
/** What a write sets; the rest of a body is read-only or checked against the path. */
export type ProductFields = Pick<z.infer<typeof ProductInputSchema>, "product_name" | "price" | "cost" | "stock">;
