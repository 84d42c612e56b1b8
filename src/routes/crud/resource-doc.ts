import type { FieldError } from "../../problems/problem";
import { RESOURCES, type Resource } from "../../resources";

/** What every route of a resource shares: its tag in the docs, and the resource (its name in examples: "Product 1 …"). */
export interface ResourceDoc {
  tag: string;
  resource: Resource;
}

/** The resource's name in descriptions: "product", "order line". */
export const noun = (doc: ResourceDoc) => RESOURCES[doc.resource].name.toLowerCase();

export interface Operation<P extends string> {
  path: P;
  operationId: string;
  summary: string;
  description?: string;
}

/** What every operation of a resource states alike: its path, id, tag, summary and description. */
export const operationFields = <P extends string>(doc: ResourceDoc, op: Operation<P>) => ({
  path: op.path,
  operationId: op.operationId,
  tags: [doc.tag],
  summary: op.summary,
  ...(op.description ? { description: op.description } : {}),
});

/** An example path of one resource: `/products/{id}` → `/products/1`. */
export const examplePath = (path: string) => path.replace("{id}", "1");

export const BAD_ID_IN_LIST: FieldError = {
  path: "0",
  message: "Too small: expected number to be >=1",
  code: "too_small",
};
