import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { CACHE_TAGS } from "../../cache/tags";
import type { AnswerRow } from "../../db/answer";
import type { Db } from "../../db/client";
import type { JsonText } from "../../db/sql-json";
import type { Pending, UnitOfWork } from "../../db/unit-of-work";
import { type IfMatch, parseIfMatch, toEtag } from "../../lib/conditional";
import { linkNextPage, type PageRow, type Paging } from "../../lib/paging";
import { read } from "../../pipelines/read";
import { sendJson } from "../../pipelines/respond";
import { write } from "../../pipelines/write";
import { problem } from "../../problems/catalogue";
import { RESOURCES, type Resource } from "../../resources";

/**
 * Handlers for the routes every resource has, made from the resource's service functions: each
 * reads what its route validated and runs the read pipeline (with the resource's cache tags) or
 * the write pipeline around the service's one round trip. A resource's
 * handlers file says only which service function serves which route.
 */

/** The context of a route whose validated input is `Out`. */
type Ctx<Out extends object = object> = Context<AppEnv, string, { out: Out }>;
type Answer<T> = Pending<{ rows: AnswerRow<T>[] }>;

const ifMatch = (c: Context) => parseIfMatch(c.req.header("If-Match"));

const countHandler = (resource: Resource, count: (db: Db) => Promise<number>) => async (c: Ctx) =>
  read(c, CACHE_TAGS[resource].count, undefined, async () => c.json(await count(c.var.db), 200));

export const listHandler =
  <T>(resource: "product" | "order", list: (db: Db, paging: Paging) => Promise<PageRow<JsonText<T[]>>>) =>
  async (c: Ctx<{ query: Paging }>) => {
    const paging = c.req.valid("query");
    return read(c, CACHE_TAGS[resource].list, paging, async () => {
      const page = await list(c.var.db, paging);
      linkNextPage(c, paging, page);
      return sendJson(c, page.body, 200);
    });
  };

const getOneHandler =
  <T>(resource: Resource, find: (db: Db, id: number) => Promise<{ body: JsonText<T>; version: string } | undefined>) =>
  async (c: Ctx<{ param: { id: number } }>) => {
    const { id } = c.req.valid("param");
    return read(c, CACHE_TAGS[resource].one, undefined, async () => {
      const row = await find(c.var.db, id);
      if (!row) throw problem("not_found", { resource, id });
      return sendJson(c, row.body, 200, { ETag: toEtag(row.version) });
    });
  };

/** POST of one: `fields` picks what the write sets from the validated body. */
const createOneHandler =
  <Body, Fields, T>(create: (uow: UnitOfWork, fields: Fields) => Answer<T>, fields: (body: Body) => Fields) =>
  async (c: Ctx<{ json: Body }>) =>
    write(c, 201, (uow) => create(uow, fields(c.req.valid("json"))));

/** PUT of one: a body may repeat its id (the resource's `idField`), which must be the path's. */
const replaceHandler =
  <Body, K extends string, Fields, T>(
    replace: (uow: UnitOfWork, id: number, fields: Fields, ifMatch: IfMatch) => Answer<T>,
    fields: (body: Body) => Fields,
    idField: K,
  ) =>
  async (c: Ctx<{ param: { id: number }; json: Body & { [F in K]?: number } }>) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const bodyId = body[idField];
    if (bodyId !== undefined && bodyId !== id)
      throw problem("body_id_mismatch", { field: idField, bodyId, pathId: id });
    return write(c, 200, (uow) => replace(uow, id, fields(body), ifMatch(c)));
  };

const deleteOneHandler =
  <T>(remove: (uow: UnitOfWork, id: number, ifMatch: IfMatch) => Answer<T>) =>
  async (c: Ctx<{ param: { id: number } }>) =>
    write(c, 202, (uow) => remove(uow, c.req.valid("param").id, ifMatch(c)));

const createBatchHandler =
  <Body, Fields, T>(create: (uow: UnitOfWork, fields: Fields[]) => Answer<T>, fields: (body: Body) => Fields) =>
  async (c: Ctx<{ json: Body[] }>) =>
    write(c, 201, (uow) => create(uow, c.req.valid("json").map(fields)));

/** DELETE of a batch: each id once, in the order asked. */
const deleteBatchHandler =
  <T>(remove: (uow: UnitOfWork, ids: number[]) => Answer<T>) =>
  async (c: Ctx<{ json: number[] }>) =>
    write(c, 202, (uow) => remove(uow, [...new Set(c.req.valid("json"))]));

/** The service functions every resource has, by the names every service uses. */
interface CrudService<Item, One, Many, Fields> {
  count(db: Db): Promise<number>;
  get(db: Db, id: number): Promise<{ body: JsonText<Item>; version: string } | undefined>;
  createOne(uow: UnitOfWork, fields: Fields): Answer<One>;
  createMany(uow: UnitOfWork, fields: Fields[]): Answer<Many>;
  replace(uow: UnitOfWork, id: number, fields: Fields, ifMatch: IfMatch): Answer<Item>;
  deleteOne(uow: UnitOfWork, id: number, ifMatch: IfMatch): Answer<{ id: number; deleted: true }>;
  deleteMany(uow: UnitOfWork, ids: number[]): Answer<{ deleted: number; not_found: number[] }>;
}

/**
 * A resource's handlers for the routes `crudRouter` mounts, from its service: `fields` picks
 * what a write sets from a validated body, and a PUT body may repeat its id (RESOURCES).
 */
export function crudHandlers<Item, One, Many, Fields, R extends Resource>(
  service: CrudService<Item, One, Many, Fields>,
  options: { resource: R; fields: (body: Fields) => Fields },
) {
  return {
    count: countHandler(options.resource, service.count),
    getOne: getOneHandler(options.resource, service.get),
    create: createOneHandler(service.createOne, options.fields),
    update: replaceHandler(service.replace, options.fields, RESOURCES[options.resource].idField),
    remove: deleteOneHandler(service.deleteOne),
    createBatch: createBatchHandler(service.createMany, options.fields),
    deleteBatch: deleteBatchHandler(service.deleteMany),
  };
}
