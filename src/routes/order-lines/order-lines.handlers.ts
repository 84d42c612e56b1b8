import type { OrderLineFields } from "../../schemas/order-lines";
import * as service from "../../services/order-lines";
import * as crud from "../crud/handlers";

// What a write sets; the captured prices and times are read-only.
const fields = ({ order_id, product_id, amount }: OrderLineFields): OrderLineFields => ({
  order_id,
  product_id,
  amount,
});

export const handlers = crud.crudHandlers(service, { resource: "order_line", fields });
