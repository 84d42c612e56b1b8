import { z } from "@hono/zod-openapi";
import { Int4, PositiveId, readOnly, Timestamp } from "../schemas/common";

/** An order line as its order shows it: with the product's name and the line's total. */
const OrderLineSummarySchema = z
  .object({
    id: z.number().int().openapi({ example: 12 }),
    product_id: z.number().int().openapi({ example: 1 }),
    product_name: z.string().openapi({ example: "Desk" }),
    amount: z.number().int().openapi({ example: 10 }),
    unit_price: z.number().openapi({ example: 100 }),
    line_total: z.number().openapi({ example: 1000 }),
  })
  .openapi("OrderLineSummary");

/** The API's Order, its lines and total, built in SQL to this shape. */
export const OrderSchema = z
  .object({
    order_id: z.number().int().openapi({ example: 7 }),
    created_at: Timestamp,
    updated_at: Timestamp,
    total: z.number().openapi({ example: 1050 }),
    products: z.array(OrderLineSummarySchema),
  })
  .openapi("Order");

/** How many lines one order may have. */
export const MAX_ORDER_LINES = 100;

/**
 * How many lines a batch of orders may hold in all. 1,000 orders of 100 lines (100,000 lines,
 * ~600 KiB) took ~68 ms of Worker CPU; 5,000 lines stay within ~10 ms (npm run bench:cpu).
 */
export const MAX_BATCH_LINES = 5000;

/** A batch of orders fits when its lines, in all, are at most MAX_BATCH_LINES. */
export const batchLinesFit = (orders: readonly { product_ids: readonly unknown[] }[]) => {
  let lines = 0;
  for (const order of orders) lines += order.product_ids.length;
  return lines <= MAX_BATCH_LINES;
};

const orderFields = {
  product_ids: z
    .array(PositiveId)
    .min(1, "must have at least 1 line")
    .max(MAX_ORDER_LINES, `must have at most ${MAX_ORDER_LINES} lines`)
    .openapi({ example: [1] }),
  amounts: z
    .array(Int4(1))
    .min(1, "must have at least 1 line")
    .max(MAX_ORDER_LINES, `must have at most ${MAX_ORDER_LINES} lines`)
    .openapi({ example: [2] }),
  created_at: readOnly(z.unknown()),
  updated_at: readOnly(z.unknown()),
  total: readOnly(z.unknown()),
  products: readOnly(z.unknown()),
};

const sameLength = (body: { product_ids: unknown[]; amounts: unknown[] }, ctx: z.RefinementCtx) => {
  if (body.product_ids.length !== body.amounts.length) {
    ctx.addIssue({ code: "custom", path: ["amounts"], message: "product_ids and amounts must have the same length" });
  }
};

export const OrderInputSchema = z
  .strictObject({ ...orderFields, order_id: readOnly(z.unknown()) })
  .superRefine(sameLength)
  .openapi("OrderInput");

/** The body may carry the order_id it was read with, which must equal the path id. */
export const OrderReplaceSchema = z
  .strictObject({ ...orderFields, order_id: PositiveId.optional().openapi({ example: 1 }) })
  .superRefine(sameLength)
  .openapi("OrderReplace");

export type Order = z.infer<typeof OrderSchema>;
/** What a write of an order sets: its lines, as two arrays of the same length. */
export type OrderLinesInput = Pick<z.infer<typeof OrderInputSchema>, "product_ids" | "amounts">;
