import * as crud from "../routes/crud/handlers";
import type { OrderLineFields } from "./schema";
import * as service from "./sql";

// What a write sets; the captured prices and times are read-only.
const fields = ({ order_id, product_id, amount }: OrderLineFields): OrderLineFields => ({
  order_id,
  product_id,
  amount,
});

export const handlers = crud.crudHandlers(service, { resource: "order_line", fields });
