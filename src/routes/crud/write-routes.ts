import { createRoute, type z } from "@hono/zod-openapi";
import { errorResponses, errorStatuses } from "../../problems/openapi";
import type { ApiError, FieldError } from "../../problems/problem";
import { BatchDeletedSchema, batchOf, DeletedSchema, IdListSchema, IdParamsSchema } from "../../schemas/common";
import { type FastCheck, withFastItems } from "../../schemas/fast-batch";
import { lazily } from "./lazy";
import { BAD_ID_IN_LIST, examplePath, noun, type Operation, operationFields, type ResourceDoc } from "./resource-doc";
import { BEARER, jsonContent, jsonRequestBody, writeParameters, writeResponseHeaders } from "./responses";

// The writes of a resource, each behind the bearer key.

/** POST of one resource: 201 with its Location. */
export const createOneRoute = <P extends string, B extends z.ZodType, S extends z.ZodType>(
  doc: ResourceDoc,
  op: Operation<P> & { body: B; bodyDescription: string; answer: S; answered: string; invalid: FieldError },
) =>
  createRoute({
    method: "post",
    ...operationFields(doc, op),
    security: BEARER,
    parameters: writeParameters(),
    request: { body: jsonRequestBody(op.body, op.bodyDescription) },
    responses: lazily(() => ({
      201: { ...jsonContent(op.answer, op.answered), headers: writeResponseHeaders({ location: `${op.path}/1` }) },
      ...errorResponses(errorStatuses.write, { instance: op.path, invalid: op.invalid }),
    })),
  });

/** PUT of one resource: 200 with its new ETag; `If-Match` may guard it. */
export const replaceRoute = <P extends string, B extends z.ZodType, S extends z.ZodType>(
  doc: ResourceDoc,
  op: Operation<P> & { body: B; answer: S; bodyDescription: string; invalid: FieldError },
) =>
  createRoute({
    method: "put",
    ...operationFields(doc, op),
    security: BEARER,
    parameters: writeParameters({ ifMatch: true }),
    request: { params: IdParamsSchema, body: jsonRequestBody(op.body, op.bodyDescription) },
    responses: lazily(() => ({
      200: {
        ...jsonContent(op.answer, `The ${noun(doc)} as replaced`),
        headers: writeResponseHeaders({ etag: true }),
      },
      ...errorResponses(errorStatuses.replaceOne, {
        instance: examplePath(op.path),
        resource: doc.resource,
        invalid: op.invalid,
      }),
    })),
  });

/** DELETE of one resource: 202 `{id, deleted}`; `If-Match` may guard it. */
export const deleteOneRoute = <P extends string>(doc: ResourceDoc, op: Operation<P> & { conflict?: ApiError }) =>
  createRoute({
    method: "delete",
    ...operationFields(doc, op),
    security: BEARER,
    parameters: writeParameters({ ifMatch: true }),
    request: { params: IdParamsSchema },
    responses: lazily(() => ({
      202: {
        ...jsonContent(DeletedSchema, `The ${noun(doc)} is deleted`),
        headers: writeResponseHeaders(),
      },
      ...errorResponses(errorStatuses.deleteOne, {
        instance: examplePath(op.path),
        resource: doc.resource,
        ...(op.conflict ? { conflict: op.conflict } : {}),
      }),
    })),
  });

/** A bound on a batch as a whole (e.g. its lines in all), with the message that words a refusal. */
interface BatchBound<T> {
  fits: (items: T[]) => boolean;
  message: string;
}

/** A batch body: 1–1000 items, each checked on the fast path first, and the whole bounded if asked. */
function batchBody<B extends z.ZodType>(item: B, fastItem: FastCheck<z.output<B>>, whole?: BatchBound<z.output<B>>) {
  const items = batchOf(item);
  if (!whole) return withFastItems(items, fastItem);
  const bounded = items.superRefine((all, ctx) => {
    if (!whole.fits(all)) ctx.addIssue({ code: "custom", message: whole.message });
  });
  return withFastItems(bounded, fastItem, whole.fits);
}

/**
 * POST of a batch of 1–1000, all or none: 201. `fastItem` checks an item without zod
 * (schemas/fast-batch.ts); `whole`, when given, bounds the batch as a whole (e.g. its lines in all).
 */
export const createBatchRoute = <P extends string, B extends z.ZodType, S extends z.ZodType>(
  doc: ResourceDoc,
  op: Operation<P> & {
    item: B;
    fastItem: FastCheck<z.output<B>>;
    answer: S;
    answered: string;
    noun: string;
    invalid: FieldError;
    whole?: BatchBound<z.output<B>>;
  },
) =>
  createRoute({
    method: "post",
    ...operationFields(doc, op),
    security: BEARER,
    parameters: writeParameters(),
    request: {
      body: jsonRequestBody(batchBody(op.item, op.fastItem, op.whole), `${op.noun} to create, all or none`),
    },
    responses: lazily(() => ({
      201: { ...jsonContent(op.answer, op.answered), headers: writeResponseHeaders() },
      ...errorResponses(errorStatuses.write, { instance: op.path, invalid: op.invalid }),
    })),
  });

/** DELETE of a batch of ids, all or none: 202 `{deleted, not_found}`. */
export const deleteBatchRoute = <P extends string>(doc: ResourceDoc, op: Operation<P> & { conflict?: ApiError }) =>
  createRoute({
    method: "delete",
    ...operationFields(doc, op),
    security: BEARER,
    parameters: writeParameters(),
    request: { body: jsonRequestBody(IdListSchema, "Ids to delete") },
    responses: lazily(() => ({
      202: {
        ...jsonContent(BatchDeletedSchema, "How many were deleted and which ids did not exist"),
        headers: writeResponseHeaders(),
      },
      ...errorResponses(errorStatuses.write, {
        instance: op.path,
        invalid: BAD_ID_IN_LIST,
        ...(op.conflict ? { conflict: op.conflict } : {}),
      }),
    })),
  });
