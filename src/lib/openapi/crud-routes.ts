import { createRoute, z } from "@hono/zod-openapi";
import { cached } from "../../cache/read-through";
import type { Tag } from "../../cache/tags";
import {
  BatchDeletedSchema,
  batchOf,
  CountSchema,
  DeletedSchema,
  IdListSchema,
  IdParamsSchema,
} from "../../schemas/common";
import { PagingQuerySchema } from "../paging";
import type { FieldError } from "../problem";
import { errorResponses, errorStatuses } from "./problems";
import {
  BEARER,
  cachedResponses,
  conditionalReadParameters,
  jsonContent,
  jsonRequestBody,
  PUBLIC,
  writeParameters,
  writeResponseHeaders,
} from "./responses";

/**
 * Builders for the routes every resource has (list, count, get, create, replace, delete, and
 * their batch forms), so each resource states only what is its own: paths, names, schemas,
 * cache tags and the examples its documentation shows. Status lists and headers come from one
 * place for every resource alike.
 */

/** What every route of a resource shares: its tag in the docs, and its name in examples ("Product 1 …"). */
export interface ResourceDoc {
  tag: string;
  name: string;
}

interface Operation<P extends string> {
  path: P;
  operationId: string;
  summary: string;
  description?: string;
}

/** An example path of one resource: `/products/{id}` → `/products/1`. */
const examplePath = (path: string) => path.replace("{id}", "1");

const BAD_ID_IN_LIST: FieldError = { path: "0", message: "Too small: expected number to be >=1", code: "too_small" };

export const listRoute = <P extends string, S extends z.ZodType>(
  doc: ResourceDoc,
  op: Operation<P> & { item: S; cache: readonly Tag[]; noun: string },
) =>
  createRoute({
    method: "get",
    middleware: [cached(op.cache, PagingQuerySchema)] as const,
    path: op.path,
    operationId: op.operationId,
    tags: [doc.tag],
    security: PUBLIC,
    summary: op.summary,
    parameters: conditionalReadParameters,
    request: { query: PagingQuerySchema },
    responses: {
      ...cachedResponses(z.array(op.item), `One page of ${op.noun}; a page past the end is []`, { paged: true }),
      ...errorResponses(errorStatuses.readQuery, {
        instance: op.path,
        invalid: { path: "page_size", message: "must be an integer from 1 to 100", code: "too_big" },
      }),
    },
  });

export const countRoute = <P extends string>(
  doc: ResourceDoc,
  op: Operation<P> & { cache: readonly Tag[]; noun: string },
) =>
  createRoute({
    method: "get",
    middleware: [cached(op.cache)] as const,
    path: op.path,
    operationId: op.operationId,
    tags: [doc.tag],
    security: PUBLIC,
    summary: op.summary,
    parameters: conditionalReadParameters,
    responses: {
      ...cachedResponses(CountSchema, `The number of ${op.noun}, as a bare integer`),
      ...errorResponses(errorStatuses.read, { instance: op.path }),
    },
  });

export const getOneRoute = <P extends string, S extends z.ZodType>(
  doc: ResourceDoc,
  op: Operation<P> & { schema: S; cache: readonly Tag[] },
) =>
  createRoute({
    method: "get",
    middleware: [cached(op.cache)] as const,
    path: op.path,
    operationId: op.operationId,
    tags: [doc.tag],
    security: PUBLIC,
    summary: op.summary,
    parameters: conditionalReadParameters,
    request: { params: IdParamsSchema },
    responses: {
      ...cachedResponses(op.schema, `The ${doc.name.toLowerCase()}`),
      ...errorResponses(errorStatuses.readOne, { instance: examplePath(op.path), resource: doc.name }),
    },
  });

/** POST of one resource: 201 with its Location. */
export const createOneRoute = <P extends string, B extends z.ZodType, S extends z.ZodType>(
  doc: ResourceDoc,
  op: Operation<P> & { body: B; bodyDescription: string; answer: S; answered: string; invalid: FieldError },
) =>
  createRoute({
    method: "post",
    path: op.path,
    operationId: op.operationId,
    tags: [doc.tag],
    security: BEARER,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    parameters: writeParameters(),
    request: { body: jsonRequestBody(op.body, op.bodyDescription) },
    responses: {
      201: { ...jsonContent(op.answer, op.answered), headers: writeResponseHeaders({ location: `${op.path}/1` }) },
      ...errorResponses(errorStatuses.write, { instance: op.path, invalid: op.invalid }),
    },
  });

/** PUT of one resource: 200 with its new ETag; `If-Match` may guard it. */
export const replaceRoute = <P extends string, B extends z.ZodType, S extends z.ZodType>(
  doc: ResourceDoc,
  op: Operation<P> & { body: B; answer: S; bodyDescription: string; invalid: FieldError },
) =>
  createRoute({
    method: "put",
    path: op.path,
    operationId: op.operationId,
    tags: [doc.tag],
    security: BEARER,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    parameters: writeParameters({ ifMatch: true }),
    request: { params: IdParamsSchema, body: jsonRequestBody(op.body, op.bodyDescription) },
    responses: {
      200: {
        ...jsonContent(op.answer, `The ${doc.name.toLowerCase()} as replaced`),
        headers: writeResponseHeaders({ etag: true }),
      },
      ...errorResponses(errorStatuses.replaceOne, {
        instance: examplePath(op.path),
        resource: doc.name,
        invalid: op.invalid,
      }),
    },
  });

/** DELETE of one resource: 202 `{id, deleted}`; `If-Match` may guard it. */
export const deleteOneRoute = <P extends string>(doc: ResourceDoc, op: Operation<P> & { conflict?: string }) =>
  createRoute({
    method: "delete",
    path: op.path,
    operationId: op.operationId,
    tags: [doc.tag],
    security: BEARER,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    parameters: writeParameters({ ifMatch: true }),
    request: { params: IdParamsSchema },
    responses: {
      202: {
        ...jsonContent(DeletedSchema, `The ${doc.name.toLowerCase()} is deleted`),
        headers: writeResponseHeaders(),
      },
      ...errorResponses(errorStatuses.deleteOne, {
        instance: examplePath(op.path),
        resource: doc.name,
        ...(op.conflict ? { conflict: op.conflict } : {}),
      }),
    },
  });

/** POST of a batch of 1–1000, all or none: 201. */
export const createBatchRoute = <P extends string, B extends z.ZodType, S extends z.ZodType>(
  doc: ResourceDoc,
  op: Operation<P> & { item: B; answer: S; answered: string; noun: string; invalid: FieldError },
) =>
  createRoute({
    method: "post",
    path: op.path,
    operationId: op.operationId,
    tags: [doc.tag],
    security: BEARER,
    summary: op.summary,
    parameters: writeParameters(),
    request: { body: jsonRequestBody(batchOf(op.item), `${op.noun} to create, all or none`) },
    responses: {
      201: { ...jsonContent(op.answer, op.answered), headers: writeResponseHeaders() },
      ...errorResponses(errorStatuses.write, { instance: op.path, invalid: op.invalid }),
    },
  });

/** DELETE of a batch of ids, all or none: 202 `{deleted, not_found}`. */
export const deleteBatchRoute = <P extends string>(doc: ResourceDoc, op: Operation<P> & { conflict?: string }) =>
  createRoute({
    method: "delete",
    path: op.path,
    operationId: op.operationId,
    tags: [doc.tag],
    security: BEARER,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    parameters: writeParameters(),
    request: { body: jsonRequestBody(IdListSchema, "Ids to delete") },
    responses: {
      202: {
        ...jsonContent(BatchDeletedSchema, "How many were deleted and which ids did not exist"),
        headers: writeResponseHeaders(),
      },
      ...errorResponses(errorStatuses.write, {
        instance: op.path,
        invalid: BAD_ID_IN_LIST,
        ...(op.conflict ? { conflict: op.conflict } : {}),
      }),
    },
  });
