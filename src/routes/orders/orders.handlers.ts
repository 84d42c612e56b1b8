import { idColumn } from "../../db/sql-json";
import { deletionSummary } from "../../lib/batch";
import { ifMatchVersions, toEtag } from "../../lib/conditional";
import { pageOf } from "../../lib/paging";
import { ApiError, assertBodyId } from "../../lib/problem";
import type { AppRouteHandler } from "../../lib/types";
import * as service from "../../services/orders";
import type {
  CountRoute,
  CreateBatchRoute,
  CreateRoute,
  DeleteBatchRoute,
  GetOneRoute,
  ListRoute,
  RemoveRoute,
  UpdateRoute,
} from "./orders.routes";

const notFound = (id: number) => new ApiError(404, `Order ${id} does not exist`);

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const { page, page_size } = c.req.valid("query");
  const rows = await service.listOrders(c.var.db, { page, pageSize: page_size });
  return c.json(pageOf(c, rows, page, page_size), 200);
};

export const count: AppRouteHandler<CountRoute> = async (c) => c.json(await service.countOrders(c.var.db), 200);

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const order = await service.getOrder(c.var.db, id);
  if (!order) throw notFound(id);
  c.header("ETag", toEtag(order.version));
  return c.json(order.body, 200);
};

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const uow = c.var.uow;
  const created = service.createOrders(uow, [c.req.valid("json")]);
  await uow.commit();
  const [id] = service.createdIds(uow.result(created));
  if (id === undefined) throw new Error("order insert returned no id");
  c.header("Location", `/orders/${id}`);
  return c.json(id, 201);
};

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  assertBodyId("order_id", body.order_id, id);
  const uow = c.var.uow;
  const versions = ifMatchVersions(c.req.header("If-Match"));
  if (versions) service.requireOrderVersion(uow, id, versions);
  const replaced = service.replaceOrder(uow, id, body);
  await uow.commit();
  const order = service.versionedOrder(uow.result(replaced));
  if (!order) throw notFound(id);
  c.header("ETag", toEtag(order.version));
  return c.json(order.body, 200);
};

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const uow = c.var.uow;
  const versions = ifMatchVersions(c.req.header("If-Match"));
  if (versions) service.requireOrderVersion(uow, id, versions);
  const deleted = service.deleteOrders(uow, [id]);
  await uow.commit();
  if (idColumn(uow.result(deleted)).length === 0) throw notFound(id);
  return c.json({ id, deleted: true as const }, 202);
};

export const createBatch: AppRouteHandler<CreateBatchRoute> = async (c) => {
  const uow = c.var.uow;
  const created = service.createOrders(uow, c.req.valid("json"));
  await uow.commit();
  return c.json(service.createdIds(uow.result(created)), 201);
};

export const deleteBatch: AppRouteHandler<DeleteBatchRoute> = async (c) => {
  const ids = [...new Set(c.req.valid("json"))];
  const uow = c.var.uow;
  const deleted = service.deleteOrders(uow, ids);
  await uow.commit();
  return c.json(deletionSummary(ids, idColumn(uow.result(deleted))), 202);
};
