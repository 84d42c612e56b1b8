import { commitAndAnswer } from "../../lib/commit";
import { parseIfMatch, toEtag } from "../../lib/conditional";
import { linkNextPage } from "../../lib/paging";
import { ApiError, assertBodyId } from "../../lib/problem";
import { sendJson } from "../../lib/respond";
import type { AppRouteHandler } from "../../lib/types";
import * as service from "../../services/products";
import type {
  CountRoute,
  CreateBatchRoute,
  CreateRoute,
  DeleteBatchRoute,
  GetOneRoute,
  ListRoute,
  RemoveRoute,
  UpdateRoute,
} from "./products.routes";

const fields = ({ product_name, price, cost, stock }: service.ProductFields) => ({ product_name, price, cost, stock });

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const { page, page_size } = c.req.valid("query");
  const { body, more } = await service.listProducts(c.var.db, { page, pageSize: page_size });
  linkNextPage(c, more, page, page_size);
  return sendJson(c, body, 200);
};

export const count: AppRouteHandler<CountRoute> = async (c) => c.json(await service.countProducts(c.var.db), 200);

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await service.getProduct(c.var.db, id);
  if (!row) throw new ApiError(404, `Product ${id} does not exist`);
  return sendJson(c, row.body, 200, { ETag: toEtag(row.version) });
};

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const uow = c.var.uow;
  const created = service.createProduct(uow, fields(c.req.valid("json")));
  return commitAndAnswer(c, created, 201);
};

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  assertBodyId("id", body.id, id);
  const uow = c.var.uow;
  const replaced = service.replaceProduct(uow, id, fields(body), parseIfMatch(c.req.header("If-Match")));
  return commitAndAnswer(c, replaced, 200);
};

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const uow = c.var.uow;
  const deleted = service.deleteProduct(uow, id, parseIfMatch(c.req.header("If-Match")));
  return commitAndAnswer(c, deleted, 202);
};

export const createBatch: AppRouteHandler<CreateBatchRoute> = async (c) => {
  const uow = c.var.uow;
  const created = service.createProducts(uow, c.req.valid("json").map(fields));
  return commitAndAnswer(c, created, 201);
};

export const deleteBatch: AppRouteHandler<DeleteBatchRoute> = async (c) => {
  const uow = c.var.uow;
  const deleted = service.deleteProducts(uow, [...new Set(c.req.valid("json"))]);
  return commitAndAnswer(c, deleted, 202);
};
