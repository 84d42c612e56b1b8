import { idColumn } from "../../db/sql-json";
import { deletionSummary } from "../../lib/batch";
import { ifMatchVersions, toEtag } from "../../lib/conditional";
import { ApiError, assertBodyId } from "../../lib/problem";
import type { AppRouteHandler } from "../../lib/types";
import * as service from "../../services/order-lines";
import type {
  CountRoute,
  CreateBatchRoute,
  CreateRoute,
  DeleteBatchRoute,
  GetOneRoute,
  RemoveRoute,
  UpdateRoute,
} from "./order-lines.routes";

const notFound = (id: number) => new ApiError(404, `Order line ${id} does not exist`);

const fields = ({ order_id, product_id, amount }: service.OrderLineInput) => ({ order_id, product_id, amount });

export const count: AppRouteHandler<CountRoute> = async (c) => c.json(await service.countOrderLines(c.var.db), 200);

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const line = await service.getOrderLine(c.var.db, id);
  if (!line) throw notFound(id);
  c.header("ETag", toEtag(line.version));
  return c.json(line.body, 200);
};

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const uow = c.var.uow;
  const created = service.createOrderLines(uow, [fields(c.req.valid("json"))]);
  await uow.commit();
  const [line] = service.linesFrom(uow.result(created));
  if (!line) throw new Error("order line insert returned no row");
  c.header("Location", `/orders_products/${line.id}`);
  return c.json(line, 201);
};

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  assertBodyId("id", body.id, id);
  const uow = c.var.uow;
  const versions = ifMatchVersions(c.req.header("If-Match"));
  if (versions) service.requireOrderLineVersion(uow, id, versions);
  const replaced = service.replaceOrderLine(uow, id, fields(body));
  await uow.commit();
  const line = service.versionedLine(uow.result(replaced));
  if (!line) throw notFound(id);
  c.header("ETag", toEtag(line.version));
  return c.json(line.body, 200);
};

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const uow = c.var.uow;
  const versions = ifMatchVersions(c.req.header("If-Match"));
  if (versions) service.requireOrderLineVersion(uow, id, versions);
  const deleted = service.deleteOrderLines(uow, [id]);
  await uow.commit();
  if (idColumn(uow.result(deleted)).length === 0) throw notFound(id);
  return c.json({ id, deleted: true as const }, 202);
};

export const createBatch: AppRouteHandler<CreateBatchRoute> = async (c) => {
  const uow = c.var.uow;
  const created = service.createOrderLines(uow, c.req.valid("json").map(fields));
  await uow.commit();
  return c.json(service.linesFrom(uow.result(created)), 201);
};

export const deleteBatch: AppRouteHandler<DeleteBatchRoute> = async (c) => {
  const ids = [...new Set(c.req.valid("json"))];
  const uow = c.var.uow;
  const deleted = service.deleteOrderLines(uow, ids);
  await uow.commit();
  return c.json(deletionSummary(ids, idColumn(uow.result(deleted))), 202);
};
