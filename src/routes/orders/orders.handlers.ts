import * as crud from "../../lib/crud-handlers";
import type { AppRouteHandler } from "../../lib/types";
import type { OrderLinesInput } from "../../schemas/orders";
import * as service from "../../services/orders";
import type * as routes from "./orders.routes";

const lines = ({ product_ids, amounts }: OrderLinesInput): OrderLinesInput => ({ product_ids, amounts });

export const list: AppRouteHandler<typeof routes.list> = crud.listHandler(service.list);
export const count: AppRouteHandler<typeof routes.count> = crud.countHandler(service.count);
export const getOne: AppRouteHandler<typeof routes.getOne> = crud.getOneHandler("order", service.get);
export const create: AppRouteHandler<typeof routes.create> = crud.createOneHandler(service.createOne, lines);
export const update: AppRouteHandler<typeof routes.update> = crud.replaceHandler(service.replace, lines, "order_id");
export const remove: AppRouteHandler<typeof routes.remove> = crud.deleteOneHandler(service.deleteOne);
export const createBatch: AppRouteHandler<typeof routes.createBatch> = crud.createBatchHandler(
  service.createMany,
  lines,
);
export const deleteBatch: AppRouteHandler<typeof routes.deleteBatch> = crud.deleteBatchHandler(service.deleteMany);
