import { z } from "@hono/zod-openapi";
import { Int4, PositiveId, readOnly, Timestamp } from "../schemas/common";

/** The API's order line (path /orders_products), built in SQL to this shape. */
export const OrderLineSchema = z
  .object({
    id: z.number().int().openapi({ example: 12 }),
    order_id: z.number().int().openapi({ example: 7 }),
    product_id: z.number().int().openapi({ example: 1 }),
    amount: z.number().int().openapi({ example: 5 }),
    unit_price: z.number().openapi({ example: 100 }),
    unit_cost: z.number().openapi({ example: 50 }),
    created_at: Timestamp,
  })
  .openapi("OrderLine");

const lineFields = {
  order_id: PositiveId.openapi({ example: 1 }),
  product_id: PositiveId.openapi({ example: 1 }),
  amount: Int4(1).openapi({ example: 5 }),
  unit_price: readOnly(z.unknown()),
  unit_cost: readOnly(z.unknown()),
  created_at: readOnly(z.unknown()),
};

export const OrderLineInputSchema = z
  .strictObject({ ...lineFields, id: readOnly(z.unknown()) })
  .openapi("OrderLineInput");

export const OrderLineReplaceSchema = z
  .strictObject({ ...lineFields, id: PositiveId.optional().openapi({ example: 1 }) })
  .openapi("OrderLineReplace");

export type OrderLine = z.infer<typeof OrderLineSchema>;
/** What a write of a line sets. */
export type OrderLineFields = Pick<z.infer<typeof OrderLineInputSchema>, "order_id" | "product_id" | "amount">;
