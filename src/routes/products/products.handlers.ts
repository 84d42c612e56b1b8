import * as crud from "../../lib/crud-handlers";
import type { AppRouteHandler } from "../../lib/types";
import type { ProductFields } from "../../schemas/products";
import * as service from "../../services/products";
import type * as routes from "./products.routes";

const fields = ({ product_name, price, cost, stock }: ProductFields): ProductFields => ({
  product_name,
  price,
  cost,
  stock,
});

export const list: AppRouteHandler<typeof routes.list> = crud.listHandler(service.list);
export const count: AppRouteHandler<typeof routes.count> = crud.countHandler(service.count);
export const getOne: AppRouteHandler<typeof routes.getOne> = crud.getOneHandler("product", service.get);
export const create: AppRouteHandler<typeof routes.create> = crud.createOneHandler(service.createOne, fields);
export const update: AppRouteHandler<typeof routes.update> = crud.replaceHandler(service.replace, fields, "id");
export const remove: AppRouteHandler<typeof routes.remove> = crud.deleteOneHandler(service.deleteOne);
export const createBatch: AppRouteHandler<typeof routes.createBatch> = crud.createBatchHandler(
  service.createMany,
  fields,
);
export const deleteBatch: AppRouteHandler<typeof routes.deleteBatch> = crud.deleteBatchHandler(service.deleteMany);
