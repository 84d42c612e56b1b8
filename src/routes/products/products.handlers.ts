import { deletionSummary } from "../../lib/batch";
import { ifMatchVersions, toEtag } from "../../lib/conditional";
import { pageOf } from "../../lib/paging";
import { ApiError, assertBodyId } from "../../lib/problem";
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

const notFound = (id: number) => new ApiError(404, `Product ${id} does not exist`);

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const { page, page_size } = c.req.valid("query");
  const rows = await service.listProducts(c.var.db, { page, pageSize: page_size });
  return c.json(pageOf(c, rows, page, page_size), 200);
};

export const count: AppRouteHandler<CountRoute> = async (c) => c.json(await service.countProducts(c.var.db), 200);

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await service.getProduct(c.var.db, id);
  if (!row) throw notFound(id);
  const { version, ...product } = row;
  c.header("ETag", toEtag(version));
  return c.json(product, 200);
};

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const uow = c.var.uow;
  const created = service.createProducts(uow, [c.req.valid("json")]);
  await uow.commit();
  const [product] = uow.result(created);
  if (!product) throw new Error("insert returned no row");
  c.header("Location", `/products/${product.id}`);
  return c.json(product, 201);
};

export const update: AppRouteHandler<UpdateRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  assertBodyId("id", body.id, id);
  const uow = c.var.uow;
  const versions = ifMatchVersions(c.req.header("If-Match"));
  if (versions) service.requireProductVersion(uow, id, versions);
  const replaced = service.replaceProduct(uow, id, body);
  await uow.commit();
  const [row] = uow.result(replaced);
  if (!row) throw notFound(id);
  const { version, ...product } = row;
  c.header("ETag", toEtag(version));
  return c.json(product, 200);
};

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const uow = c.var.uow;
  const versions = ifMatchVersions(c.req.header("If-Match"));
  if (versions) service.requireProductVersion(uow, id, versions);
  const deleted = service.deleteProducts(uow, [id]);
  await uow.commit();
  if (uow.result(deleted).length === 0) throw notFound(id);
  return c.json({ id, deleted: true as const }, 202);
};

export const createBatch: AppRouteHandler<CreateBatchRoute> = async (c) => {
  const uow = c.var.uow;
  const created = service.createProducts(uow, c.req.valid("json"));
  await uow.commit();
  return c.json(
    uow.result(created).sort((a, b) => a.id - b.id),
    201,
  );
};

export const deleteBatch: AppRouteHandler<DeleteBatchRoute> = async (c) => {
  const ids = [...new Set(c.req.valid("json"))];
  const uow = c.var.uow;
  const deleted = service.deleteProducts(uow, ids);
  await uow.commit();
  return c.json(
    deletionSummary(
      ids,
      uow.result(deleted).map((r) => r.id),
    ),
    202,
  );
};
