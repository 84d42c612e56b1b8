import { commitAndAnswer } from "../../lib/commit";
import { parseIfMatch, toEtag } from "../../lib/conditional";
import { linkNextPage } from "../../lib/paging";
import { ApiError, assertBodyId } from "../../lib/problem";
import { sendJson } from "../../lib/respond";
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

const lines = ({ product_ids, amounts }: service.OrderLinesInput) => ({ product_ids, amounts });

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const { page, page_size } = c.req.valid("query");
  const { body, more } = await service.listOrders(c.var.db, { page, pageSize: page_size });
  linkNextPage(c, more, page, page_size);
  return sendJson(c, body, 200);
};

export const count: AppRouteHandler<CountRoute> = async (c) => c.json(await service.countOrders(c.var.db), 200);

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const order = await service.getOrder(c.var.db, id);
  if (!order) throw new ApiError(404, `Order ${id} does not exist`);
  return sendJson(c, order.body, 200, { ETag: toEtag(order.version) });
};

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const uow = c.var.uow;
  const created = service.createOrder(uow, lines(c.req.valid("json")));
  return commitAndAnswer(c, created, 201);
};

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  assertBodyId("order_id", body.order_id, id);
  const uow = c.var.uow;
  const replaced = service.replaceOrder(uow, id, lines(body), parseIfMatch(c.req.header("If-Match")));
  return commitAndAnswer(c, replaced, 200);
};

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const uow = c.var.uow;
  const deleted = service.deleteOrder(uow, id, parseIfMatch(c.req.header("If-Match")));
  return commitAndAnswer(c, deleted, 202);
};

export const createBatch: AppRouteHandler<CreateBatchRoute> = async (c) => {
  const uow = c.var.uow;
  const created = service.createOrders(uow, c.req.valid("json").map(lines));
  return commitAndAnswer(c, created, 201);
};

export const deleteBatch: AppRouteHandler<DeleteBatchRoute> = async (c) => {
  const uow = c.var.uow;
  const deleted = service.deleteOrders(uow, [...new Set(c.req.valid("json"))]);
  return commitAndAnswer(c, deleted, 202);
};
