import * as crud from "../../lib/crud-handlers";
import type { AppRouteHandler } from "../../lib/types";
import type { OrderLineFields } from "../../schemas/order-lines";
import * as service from "../../services/order-lines";
import type * as routes from "./order-lines.routes";

const fields = ({ order_id, product_id, amount }: OrderLineFields): OrderLineFields => ({
  order_id,
  product_id,
  amount,
});

export const count: AppRouteHandler<typeof routes.count> = crud.countHandler(service.count);
export const getOne: AppRouteHandler<typeof routes.getOne> = crud.getOneHandler("order_line", service.get);
export const create: AppRouteHandler<typeof routes.create> = crud.createOneHandler(service.createOne, fields);
export const update: AppRouteHandler<typeof routes.update> = crud.replaceHandler(service.replace, fields, "id");
export const remove: AppRouteHandler<typeof routes.remove> = crud.deleteOneHandler(service.deleteOne);
export const createBatch: AppRouteHandler<typeof routes.createBatch> = crud.createBatchHandler(
  service.createMany,
  fields,
);
export const deleteBatch: AppRouteHandler<typeof routes.deleteBatch> = crud.deleteBatchHandler(service.deleteMany);
