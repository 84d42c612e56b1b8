import { commitAndAnswer } from "../../lib/commit";
import { parseIfMatch, toEtag } from "../../lib/conditional";
import { ApiError, assertBodyId } from "../../lib/problem";
import { sendJson } from "../../lib/respond";
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

const fields = ({ order_id, product_id, amount }: service.OrderLineInput) => ({ order_id, product_id, amount });

export const count: AppRouteHandler<CountRoute> = async (c) => c.json(await service.countOrderLines(c.var.db), 200);

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const line = await service.getOrderLine(c.var.db, id);
  if (!line) throw new ApiError(404, `Order line ${id} does not exist`);
  return sendJson(c, line.body, 200, { ETag: toEtag(line.version) });
};

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const uow = c.var.uow;
  const created = service.createOrderLine(uow, fields(c.req.valid("json")));
  return commitAndAnswer(c, created, 201);
};

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  assertBodyId("id", body.id, id);
  const uow = c.var.uow;
  const replaced = service.replaceOrderLine(uow, id, fields(body), parseIfMatch(c.req.header("If-Match")));
  return commitAndAnswer(c, replaced, 200);
};

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const uow = c.var.uow;
  const deleted = service.deleteOrderLine(uow, id, parseIfMatch(c.req.header("If-Match")));
  return commitAndAnswer(c, deleted, 202);
};

export const createBatch: AppRouteHandler<CreateBatchRoute> = async (c) => {
  const uow = c.var.uow;
  const created = service.createOrderLines(uow, c.req.valid("json").map(fields));
  return commitAndAnswer(c, created, 201);
};

export const deleteBatch: AppRouteHandler<DeleteBatchRoute> = async (c) => {
  const uow = c.var.uow;
  const deleted = service.deleteOrderLines(uow, [...new Set(c.req.valid("json"))]);
  return commitAndAnswer(c, deleted, 202);
};
