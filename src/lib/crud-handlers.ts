import type { Context } from "hono";
import type { AnswerRow } from "../db/answer";
import type { Db } from "../db/client";
import type { JsonText } from "../db/sql-json";
import type { Pending, UnitOfWork } from "../db/unit-of-work";
import { commitAndAnswer } from "./commit";
import { type IfMatch, parseIfMatch, toEtag } from "./conditional";
import { domainError, type Resource } from "./domain-errors";
import { linkNextPage, type PageRow, type Paging } from "./paging";
import { assertBodyId } from "./problem";
import { sendJson } from "./respond";
import type { AppEnv } from "./types";

/**
 * Handlers for the routes every resource has, made from the resource's service functions: each
 * reads what its route validated, makes the service's one round trip and answers. A resource's
 * handlers file says only which service function serves which route.
 */

/** The context of a route whose validated input is `Out`. */
type Ctx<Out extends object = object> = Context<AppEnv, string, { out: Out }>;
type Answer<T> = Pending<{ rows: AnswerRow<T>[] }>;

const ifMatch = (c: Context) => parseIfMatch(c.req.header("If-Match"));

const countHandler = (count: (db: Db) => Promise<number>) => async (c: Ctx) => c.json(await count(c.var.db), 200);

export const listHandler =
  <T>(list: (db: Db, paging: Paging) => Promise<PageRow<JsonText<T[]>>>) =>
  async (c: Ctx<{ query: Paging }>) => {
    const paging = c.req.valid("query");
    const page = await list(c.var.db, paging);
    linkNextPage(c, paging, page);
    return sendJson(c, page.body, 200);
  };

const getOneHandler =
  <T>(resource: Resource, find: (db: Db, id: number) => Promise<{ body: JsonText<T>; version: string } | undefined>) =>
  async (c: Ctx<{ param: { id: number } }>) => {
    const { id } = c.req.valid("param");
    const row = await find(c.var.db, id);
    if (!row) throw domainError("not_found", { resource, id });
    return sendJson(c, row.body, 200, { ETag: toEtag(row.version) });
  };

/** POST of one: `fields` picks what the write sets from the validated body. */
const createOneHandler =
  <Body, Fields, T>(create: (uow: UnitOfWork, fields: Fields) => Answer<T>, fields: (body: Body) => Fields) =>
  async (c: Ctx<{ json: Body }>) =>
    commitAndAnswer(c, create(c.var.uow, fields(c.req.valid("json"))), 201);

/** PUT of one: a body may repeat its id (`idField`), which must be the path's. */
const replaceHandler =
  <Body, K extends string, Fields, T>(
    replace: (uow: UnitOfWork, id: number, fields: Fields, ifMatch: IfMatch) => Answer<T>,
    fields: (body: Body) => Fields,
    idField: K,
  ) =>
  async (c: Ctx<{ param: { id: number }; json: Body & { [F in K]?: number } }>) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    assertBodyId(idField, body[idField], id);
    return commitAndAnswer(c, replace(c.var.uow, id, fields(body), ifMatch(c)), 200);
  };

const deleteOneHandler =
  <T>(remove: (uow: UnitOfWork, id: number, ifMatch: IfMatch) => Answer<T>) =>
  async (c: Ctx<{ param: { id: number } }>) =>
    commitAndAnswer(c, remove(c.var.uow, c.req.valid("param").id, ifMatch(c)), 202);

const createBatchHandler =
  <Body, Fields, T>(create: (uow: UnitOfWork, fields: Fields[]) => Answer<T>, fields: (body: Body) => Fields) =>
  async (c: Ctx<{ json: Body[] }>) =>
    commitAndAnswer(c, create(c.var.uow, c.req.valid("json").map(fields)), 201);

/** DELETE of a batch: each id once, in the order asked. */
const deleteBatchHandler =
  <T>(remove: (uow: UnitOfWork, ids: number[]) => Answer<T>) =>
  async (c: Ctx<{ json: number[] }>) =>
    commitAndAnswer(c, remove(c.var.uow, [...new Set(c.req.valid("json"))]), 202);

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
 * what a write sets from a validated body, and a PUT body may repeat its id as `idField`.
 */
export function crudHandlers<Item, One, Many, Fields, K extends string>(
  service: CrudService<Item, One, Many, Fields>,
  options: { resource: Resource; fields: (body: Fields) => Fields; idField: K },
) {
  return {
    count: countHandler(service.count),
    getOne: getOneHandler(options.resource, service.get),
    create: createOneHandler(service.createOne, options.fields),
    update: replaceHandler(service.replace, options.fields, options.idField),
    remove: deleteOneHandler(service.deleteOne),
    createBatch: createBatchHandler(service.createMany, options.fields),
    deleteBatch: deleteBatchHandler(service.deleteMany),
  };
}
