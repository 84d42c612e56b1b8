import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers";

interface MediaType {
  schema?: unknown;
}

interface Response {
  description?: unknown;
  content?: Record<string, MediaType>;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
}

interface Operation {
  responses: Record<string, Response>;
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
  requestBody?: { content?: Record<string, MediaType> };
}

interface OpenApiDocument {
  openapi: string;
  info: { title?: unknown; version?: unknown };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
const WRITE_METHODS = new Set(["post", "put", "delete", "patch"]);

/** Every path and method of the README's endpoint table (/openapi.json and /docs are not in the document). */
const EXPECTED_OPERATIONS: Record<string, string[]> = {
  "/": ["get"],
  "/health": ["get"],
  "/products": ["get", "post"],
  "/products-count": ["get"],
  "/products/{id}": ["delete", "get", "put"],
  "/products-batch": ["delete", "post"],
  "/orders-list": ["get"],
  "/orders-count": ["get"],
  "/orders/{id}": ["delete", "get", "put"],
  "/orders": ["post"],
  "/orders-batch": ["delete", "post"],
  "/orders_products-count": ["get"],
  "/orders_products/{id}": ["delete", "get", "put"],
  "/orders_products": ["post"],
  "/orders_products-batch": ["delete", "post"],
  "/reports-all": ["get"],
};

let doc: OpenApiDocument;

beforeAll(async () => {
  const res = await api<OpenApiDocument>("/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  doc = res.body;
});

function operations(): { path: string; method: string; operation: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, operation]) => ({ path, method, operation })),
  );
}

/** Every `$ref` string anywhere in the document. */
function collectRefs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, found);
  } else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") found.push(child);
      else collectRefs(child, found);
    }
  }
  return found;
}

/** Follows a local JSON pointer (`#/a/b`) through the document; undefined when it leads nowhere. */
function resolvePointer(ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1.0 document with a title and version", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("Edge Orders API");
    expect(typeof doc.info.version).toBe("string");
  });

  it("lists exactly the paths and methods of the contract", () => {
    const listed = Object.fromEntries(
      Object.entries(doc.paths).map(([path, item]) => [
        path,
        Object.keys(item)
          .filter((key) => HTTP_METHODS.has(key))
          .sort(),
      ]),
    );
    expect(listed).toEqual(EXPECTED_OPERATIONS);
  });

  it("gives every operation a success response and a 500 problem+json response", () => {
    const missing: string[] = [];
    for (const { path, method, operation } of operations()) {
      const name = `${method.toUpperCase()} ${path}`;
      const success = ["200", "201", "202"].filter((s) => operation.responses[s] !== undefined);
      if (success.length !== 1) missing.push(`${name}: one of 200/201/202`);
      for (const status of success) {
        if (!operation.responses[status]?.content?.["application/json"]?.schema) {
          missing.push(`${name}: ${status} application/json schema`);
        }
      }
      const crash = operation.responses["500"];
      if (!crash) {
        missing.push(`${name}: 500`);
        continue;
      }
      expect(Object.keys(crash.content ?? {}), `${name} 500`).toEqual(["application/problem+json"]);
      expect(crash.content?.["application/problem+json"]?.schema, `${name} 500`).toEqual({
        $ref: "#/components/schemas/Problem",
      });
    }
    expect(missing).toEqual([]);
  });

  it("documents every error status as a Problem and every response with a description", () => {
    const wrong: string[] = [];
    for (const { path, method, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const name = `${method.toUpperCase()} ${path} ${status}`;
        if (typeof response.description !== "string" || response.description.length === 0) {
          wrong.push(`${name}: description`);
        }
        // /health answers its own body when the database is down, checked below.
        if (Number(status) < 400 || (path === "/health" && status === "503")) continue;
        const schema = response.content?.["application/problem+json"]?.schema;
        if (JSON.stringify(schema) !== JSON.stringify({ $ref: "#/components/schemas/Problem" })) {
          wrong.push(`${name}: application/problem+json Problem`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("documents /health's 503 as the Health body it answers, not a Problem", () => {
    const down = doc.paths["/health"]?.get?.responses["503"];
    expect(down?.content).toEqual({ "application/json": { schema: { $ref: "#/components/schemas/Health" } } });
  });

  it("marks every write, and only writes, as needing the bearer key, with a 401 response", () => {
    expect(doc.components.securitySchemes).toEqual({ bearerAuth: { type: "http", scheme: "bearer" } });
    for (const { path, method, operation } of operations()) {
      const name = `${method.toUpperCase()} ${path}`;
      if (WRITE_METHODS.has(method)) {
        expect(operation.security, name).toEqual([{ bearerAuth: [] }]);
        expect(operation.responses["401"], name).toBeDefined();
        if (operation.requestBody)
          expect(Object.keys(operation.requestBody.content ?? {}), name).toEqual(["application/json"]);
      } else {
        expect(operation.security, name).toBeUndefined();
      }
    }
  });

  it("declares every path template parameter as a required path parameter, and no others", () => {
    for (const { path, method, operation } of operations()) {
      const name = `${method.toUpperCase()} ${path}`;
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = (operation.parameters ?? []).filter((p) => p.in === "path");
      expect(
        declared.map((p) => p.name),
        name,
      ).toEqual(templated);
      for (const p of declared) expect(p.required, `${name} ${p.name}`).toBe(true);
    }
  });

  it("has the named schemas, and every $ref resolves to one of them", () => {
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(["Product", "Order", "OrderLine", "Report", "Problem"]),
    );
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(0);
    const unresolved = refs.filter(
      (ref) => !ref.startsWith("#/components/schemas/") || resolvePointer(ref) === undefined,
    );
    expect(unresolved).toEqual([]);
    // Each referenced schema is an object schema in its own right.
    for (const ref of new Set(refs)) {
      const target = resolvePointer(ref);
      expect(target !== null && typeof target === "object", ref).toBe(true);
    }
  });

  it("describes the report's fields", () => {
    expect(doc.components.schemas.Report).toMatchObject({
      type: "object",
      required: expect.arrayContaining(["generated_at", "range", "totals", "products"]),
    });
    expect(doc.paths["/reports-all"]?.get?.responses["200"]?.content?.["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/Report",
    });
    const params = (doc.paths["/reports-all"]?.get?.parameters ?? []).map((p) => [p.name, p.in, p.required]);
    expect(params).toEqual([
      ["from", "query", false],
      ["to", "query", false],
      ["if-none-match", "header", false],
    ]);
  });
});
