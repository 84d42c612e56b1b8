import { beforeAll, describe, expect, it } from "vitest";
import { STATUS_TITLES } from "../../src/problems/problem";
import { api, BASE } from "../helpers";

interface MediaType {
  schema?: unknown;
  example?: unknown;
}

interface Response {
  description?: unknown;
  content?: Record<string, MediaType>;
  headers?: Record<string, unknown>;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  example?: unknown;
  examples?: unknown;
  schema?: { example?: unknown; default?: unknown };
}

interface Operation {
  operationId?: string;
  responses: Record<string, Response>;
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
  requestBody?: { content?: Record<string, MediaType> };
}

interface OpenApiDocument {
  openapi: string;
  info: { title?: unknown; version?: unknown; description?: string };
  servers?: { url: string }[];
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
  "/orders": ["get", "post"],
  "/orders-batch": ["delete", "post"],
  "/orders_products-count": ["get"],
  "/orders_products/{id}": ["delete", "get", "put"],
  "/orders_products": ["post"],
  "/orders_products-batch": ["delete", "post"],
  "/reports-all": ["get"],
};

/** Stable operation ids: generated clients name their methods after them. */
const EXPECTED_OPERATION_IDS: Record<string, string> = {
  "GET /": "getHello",
  "GET /health": "getHealth",
  "GET /products": "listProducts",
  "POST /products": "createProduct",
  "GET /products-count": "countProducts",
  "GET /products/{id}": "getProduct",
  "PUT /products/{id}": "replaceProduct",
  "DELETE /products/{id}": "deleteProduct",
  "POST /products-batch": "createProducts",
  "DELETE /products-batch": "deleteProducts",
  "GET /orders-list": "listOrders",
  "GET /orders": "getOrders",
  "GET /orders-count": "countOrders",
  "GET /orders/{id}": "getOrder",
  "PUT /orders/{id}": "replaceOrder",
  "DELETE /orders/{id}": "deleteOrder",
  "POST /orders": "createOrder",
  "POST /orders-batch": "createOrders",
  "DELETE /orders-batch": "deleteOrders",
  "GET /orders_products-count": "countOrderLines",
  "GET /orders_products/{id}": "getOrderLine",
  "PUT /orders_products/{id}": "replaceOrderLine",
  "DELETE /orders_products/{id}": "deleteOrderLine",
  "POST /orders_products": "createOrderLine",
  "POST /orders_products-batch": "createOrderLines",
  "DELETE /orders_products-batch": "deleteOrderLines",
  "GET /reports-all": "getReport",
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
    expect(down?.content).toEqual({
      "application/json": {
        schema: { $ref: "#/components/schemas/Health" },
        example: { status: "down", checks: { database: "unreachable", cache: "ok" } },
      },
    });
  });

  it("marks every write as needing the bearer key, with a 401 response, and every read as public", () => {
    expect(doc.components.securitySchemes).toEqual({
      bearerAuth: {
        type: "http",
        scheme: "bearer",
        description: "An API key from the API_KEYS setting, sent as `Authorization: Bearer <key>`",
      },
    });
    for (const { path, method, operation } of operations()) {
      const name = `${method.toUpperCase()} ${path}`;
      if (WRITE_METHODS.has(method)) {
        expect(operation.security, name).toEqual([{ bearerAuth: [] }]);
        expect(operation.responses["401"], name).toBeDefined();
        if (operation.requestBody)
          expect(Object.keys(operation.requestBody.content ?? {}), name).toEqual(["application/json"]);
      } else {
        expect(operation.security, name).toEqual([]);
        expect(operation.responses["401"], name).toBeUndefined();
      }
    }
  });

  it("names every operation with its stable camelCase id", () => {
    const ids = Object.fromEntries(
      operations().map(({ path, method, operation }) => [`${method.toUpperCase()} ${path}`, operation.operationId]),
    );
    expect(ids).toEqual(EXPECTED_OPERATION_IDS);
  });

  it("names the origin that served it as its server", () => {
    expect(doc.servers).toEqual([{ url: BASE, description: "This deployment" }]);
  });

  it("lists 400, 413 and 415 exactly on writes (a DELETE of one checks a body sent to it), 404 on operations with an id, 412 on writes with If-Match", () => {
    const wrong: string[] = [];
    for (const { path, method, operation } of operations()) {
      const name = `${method.toUpperCase()} ${path}`;
      const listed = new Set(Object.keys(operation.responses));
      const has = (status: string, expected: boolean) => {
        if (listed.has(status) !== expected) wrong.push(`${name}: ${status} ${expected ? "missing" : "listed"}`);
      };
      const body = operation.requestBody !== undefined;
      const id = path.includes("{id}");
      const params = (operation.parameters ?? []).filter((p) => p.in === "path" || p.in === "query");
      const ifMatch = (operation.parameters ?? []).some((p) => p.name === "If-Match");
      for (const status of ["400", "413", "415"]) has(status, WRITE_METHODS.has(method));
      has("404", id);
      has("412", ifMatch);
      has("422", body || params.length > 0 || WRITE_METHODS.has(method));
      has("429", true);
      has("503", path !== "/");
    }
    expect(wrong).toEqual([]);
  });

  it("gives each error status an example that is that status's own problem body", () => {
    const wrong: string[] = [];
    for (const { path, method, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400 || (path === "/health" && status === "503")) continue;
        const name = `${method.toUpperCase()} ${path} ${status}`;
        const example = response.content?.["application/problem+json"]?.example as Record<string, unknown> | undefined;
        const instance = path.replace("{id}", "1");
        if (
          example?.status !== Number(status) ||
          example.title !== STATUS_TITLES[Number(status)] ||
          example.type !== "about:blank" ||
          example.instance !== instance ||
          typeof example.detail !== "string" ||
          typeof example.request_id !== "string"
        ) {
          wrong.push(`${name}: ${JSON.stringify(example)}`);
        }
        if ((status === "422") !== (example?.errors !== undefined)) {
          wrong.push(`${name}: errors ${JSON.stringify(example?.errors)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("pre-fills no optional parameter (no example, no default for Try it out to fill in), and gives path ids an integer example", () => {
    const prefilled: string[] = [];
    for (const { path, method, operation } of operations()) {
      const name = `${method.toUpperCase()} ${path}`;
      for (const p of operation.parameters ?? []) {
        if (!p.required && [p.example, p.examples, p.schema?.example, p.schema?.default].some((v) => v !== undefined)) {
          prefilled.push(`${name} ${p.in} ${p.name}`);
        }
        if (p.in === "path") expect(p.schema?.example, `${name} ${p.name}`).toBe(1);
      }
      if (WRITE_METHODS.has(method)) {
        expect((operation.parameters ?? []).some((p) => p.name === "Idempotency-Key" && p.in === "header")).toBe(true);
      }
    }
    expect(prefilled).toEqual([]);
  });

  it("describes ETag on the answers that carry one: reads and PUTs, not POST or DELETE", () => {
    for (const { path, method, operation } of operations()) {
      const name = `${method.toUpperCase()} ${path}`;
      const success = Object.entries(operation.responses).find(([s]) => s.startsWith("2"))?.[1];
      const cached = method === "get" && path !== "/" && path !== "/health";
      expect(Object.keys(success?.headers ?? {}).includes("ETag"), name).toBe(cached || method === "put");
      expect(Object.keys(success?.headers ?? {}).includes("Location"), name).toBe(
        method === "post" && !path.endsWith("-batch"),
      );
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
      ["If-None-Match", "header", false],
      ["from", "query", false],
      ["to", "query", false],
      ["limit", "query", false],
    ]);
  });
});
