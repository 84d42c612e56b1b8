import { createRoute, z } from "@hono/zod-openapi";
import { PagingQuerySchema } from "../../lib/paging";
import { errorResponses, errorStatuses } from "../../problems/openapi";
import { CountSchema, IdParamsSchema } from "../../schemas/common";
import { lazily } from "./lazy";
import { examplePath, noun, type Operation, operationFields, type ResourceDoc } from "./resource-doc";
import { cachedResponses, conditionalReadParameters, PUBLIC } from "./responses";

// The public, cached reads of a resource (their handlers run the read pipeline).

export const listRoute = <P extends string, S extends z.ZodType>(
  doc: ResourceDoc,
  op: Operation<P> & { item: S; noun: string },
) =>
  createRoute({
    method: "get",
    ...operationFields(doc, op),
    security: PUBLIC,
    parameters: conditionalReadParameters,
    request: { query: PagingQuerySchema },
    responses: lazily(() => ({
      ...cachedResponses(z.array(op.item), `One page of ${op.noun}; a page past the end is []`, { paged: true }),
      ...errorResponses(errorStatuses.readQuery, {
        instance: op.path,
        invalid: { path: "page_size", message: "must be an integer from 1 to 100", code: "too_big" },
      }),
    })),
  });

export const countRoute = <P extends string>(doc: ResourceDoc, op: Operation<P> & { noun: string }) =>
  createRoute({
    method: "get",
    ...operationFields(doc, op),
    security: PUBLIC,
    parameters: conditionalReadParameters,
    responses: lazily(() => ({
      ...cachedResponses(CountSchema, `The number of ${op.noun}, as a bare integer`),
      ...errorResponses(errorStatuses.read, { instance: op.path }),
    })),
  });

export const getOneRoute = <P extends string, S extends z.ZodType>(
  doc: ResourceDoc,
  op: Operation<P> & { schema: S },
) =>
  createRoute({
    method: "get",
    ...operationFields(doc, op),
    security: PUBLIC,
    parameters: conditionalReadParameters,
    request: { params: IdParamsSchema },
    responses: lazily(() => ({
      ...cachedResponses(op.schema, `The ${noun(doc)}`),
      ...errorResponses(errorStatuses.readOne, { instance: examplePath(op.path), resource: doc.resource }),
    })),
  });
