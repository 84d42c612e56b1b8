import { beforeAll, describe, expect, it } from "vitest";
import { api, expectProblem } from "../helpers";

// The document taken at its word: what "Try it out" sends must work, and whatever the API
// answers to a bad request must be a status the operation lists.

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  example?: unknown;
  default?: unknown;
  enum?: unknown[];
  readOnly?: boolean;
}

interface Parameter {
  name: string;
  in: string;
  schema?: Schema;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: { "application/json": { schema: Schema } } };
  responses: Record<string, unknown>;
}

interface Found {
  method: string;
  path: string;
  operation: Operation;
}

let schemas: Record<string, Schema>;
let byId: Map<string, Found>;
let paths: Record<string, Record<string, Operation>>;

beforeAll(async () => {
  const res = await api<{ paths: Record<string, Record<string, Operation>>; components: { schemas: typeof schemas } }>(
    "/openapi.json",
  );
  schemas = res.body.components.schemas;
  paths = res.body.paths;
  byId = new Map(
    Object.entries(res.body.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => [operation.operationId, { method, path, operation }] as const),
    ),
  );
});

const resolve = (schema: Schema): Schema =>
  schema.$ref ? resolve(schemas[schema.$ref.replace("#/components/schemas/", "")] ?? {}) : schema;

/** The body Swagger UI pre-fills: examples first, read-only properties left out. */
function sample(raw: Schema): unknown {
  const schema = resolve(raw);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.properties) {
    return Object.fromEntries(
      Object.entries(schema.properties)
        .filter(([, property]) => !resolve(property).readOnly)
        .map(([name, property]) => [name, sample(property)]),
    );
  }
  if (schema.type === "array" && schema.items) return [sample(schema.items)];
  if (schema.type === "integer" || schema.type === "number") return 0;
  if (schema.type === "boolean") return true;
  return "string";
}

interface Probe {
  id?: string | number;
  query?: string;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  bindings?: Record<string, string>;
}

/** Sends `operationId` the way Swagger UI would (examples pre-filled), changed by `probe`. */
async function send(operationId: string, probe: Probe = {}) {
  const found = byId.get(operationId);
  if (!found) throw new Error(`no operation ${operationId}`);
  const { method, path, operation } = found;
  const params = operation.parameters ?? [];
  const idExample = params.find((p) => p.in === "path")?.schema?.example;
  const query = params
    .filter((p) => p.in === "query" && p.schema?.example !== undefined)
    .map((p) => `${p.name}=${encodeURIComponent(String(p.schema?.example))}`)
    .join("&");
  const url = `${path.replace("{id}", String(probe.id ?? idExample))}${
    probe.query !== undefined ? probe.query : query ? `?${query}` : ""
  }`;
  const schema = operation.requestBody?.content["application/json"].schema;
  const body = probe.body ?? (schema ? JSON.stringify(sample(schema)) : undefined);
  const headers: Record<string, string> = { ...probe.headers };
  if (body !== undefined) {
    headers["Content-Type"] = probe.contentType ?? "application/json";
    // What an HTTP client sends; a Request built in workerd has none.
    headers["Content-Length"] = String(new TextEncoder().encode(body).byteLength);
  }
  const res = await api(url, { method: method.toUpperCase(), headers, body }, probe.bindings);
  return { res, listed: Object.keys(operation.responses), name: `${method.toUpperCase()} ${url}` };
}

/** Sends and checks both the exact status and that the operation lists it. */
async function expectAnswer(operationId: string, status: number, probe: Probe = {}) {
  const { res, listed, name } = await send(operationId, probe);
  expect(`${name} → ${res.status}`).toBe(`${name} → ${status}`);
  expect(listed, `${operationId} lists ${status}`).toContain(String(status));
  return res;
}

/** In the order a new user would try them on an empty database. */
const TRY_IT_OUT: [string, number][] = [
  ["getHello", 200],
  ["getHealth", 200],
  ["createProduct", 201],
  ["createProducts", 201],
  ["listProducts", 200],
  ["countProducts", 200],
  ["getProduct", 200],
  ["replaceProduct", 200],
  ["createOrder", 201],
  ["createOrders", 201],
  ["listOrders", 200],
  ["getOrders", 200],
  ["countOrders", 200],
  ["getOrder", 200],
  ["createOrderLine", 201],
  ["createOrderLines", 201],
  ["countOrderLines", 200],
  ["getOrderLine", 200],
  ["replaceOrderLine", 200],
  ["deleteOrderLine", 202],
  ["deleteOrderLines", 202],
  // Replacing an order writes new lines, so it comes after the lines' own operations.
  ["replaceOrder", 200],
  ["getReport", 200],
  ["deleteOrder", 202],
  ["deleteOrders", 202],
  ["deleteProduct", 202],
  ["deleteProducts", 202],
];

const BODY_OPERATIONS = [
  "createProduct",
  "replaceProduct",
  "createProducts",
  "deleteProducts",
  "createOrder",
  "replaceOrder",
  "createOrders",
  "deleteOrders",
  "createOrderLine",
  "replaceOrderLine",
  "createOrderLines",
  "deleteOrderLines",
];
const ID_OPERATIONS = [
  "getProduct",
  "replaceProduct",
  "deleteProduct",
  "getOrder",
  "replaceOrder",
  "deleteOrder",
  "getOrderLine",
  "replaceOrderLine",
  "deleteOrderLine",
];
const IF_MATCH_OPERATIONS = ID_OPERATIONS.filter((id) => !id.startsWith("get"));

/** Creates product 1, order 1 and line 1 through the examples themselves. */
async function arrange() {
  for (const id of ["createProduct", "createOrder", "createOrderLine"]) await expectAnswer(id, 201);
}

describe("Try it out", () => {
  it("covers every operation of the document", () => {
    expect(TRY_IT_OUT.map(([id]) => id).sort()).toEqual([...byId.keys()].sort());
  });

  it("answers 2xx to every operation's pre-filled example, in a new user's order", async () => {
    for (const [id, status] of TRY_IT_OUT) await expectAnswer(id, status);
  });
});

describe("every answer is a listed status", () => {
  it("401 for every write without a key once auth is on", async () => {
    const bindings = { AUTH_DISABLED: "false" };
    for (const [id] of TRY_IT_OUT) {
      const write = byId.get(id)?.method !== "get";
      const { res, listed } = await send(id, { bindings });
      if (write) expect(res.status, id).toBe(401);
      else expect(res.status, id).not.toBe(401);
      expect(listed, id).toContain(String(res.status));
    }
  });

  it("422 for a malformed id, 404 for an unknown one", async () => {
    await arrange();
    for (const id of ID_OPERATIONS) {
      await expectAnswer(id, 422, { id: "abc" });
      const found = byId.get(id);
      const schema = found?.operation.requestBody?.content["application/json"].schema;
      // Without the body's own id, which would have to equal the path's.
      const bodyId = found?.path.startsWith("/orders/") ? "order_id" : "id";
      const body = schema ? JSON.stringify({ ...(sample(schema) as object), [bodyId]: undefined }) : undefined;
      await expectAnswer(id, 404, { id: 999, body });
    }
  });

  it("400, 413, 415 and 422 for bad bodies", async () => {
    for (const id of BODY_OPERATIONS) {
      await expectAnswer(id, 400, { body: "{" });
      await expectAnswer(id, 415, { body: "x", contentType: "text/plain" });
      await expectAnswer(id, 413, { body: JSON.stringify("x".repeat(1024 * 1024 + 1)) });
      await expectAnswer(id, 422, { body: "{}" });
    }
  });

  it("412 when If-Match names another version", async () => {
    await arrange();
    for (const id of IF_MATCH_OPERATIONS) {
      await expectAnswer(id, 412, { headers: { "If-Match": '"00000000000000000000000000000000"' } });
    }
  });

  it("422 for bad query parameters", async () => {
    await expectAnswer("listProducts", 422, { query: "?page=0" });
    await expectAnswer("listOrders", 422, { query: "?page_size=101" });
    await expectAnswer("getOrders", 422, { query: "?after=-1" });
    await expectAnswer("getReport", 422, { query: "?from=2026-02-01&to=2026-01-01" });
  });

  it("422 for a malformed Idempotency-Key on every write", async () => {
    for (const [id] of TRY_IT_OUT) {
      if (byId.get(id)?.method === "get") continue;
      await expectAnswer(id, 422, { headers: { "Idempotency-Key": "x".repeat(256) } });
    }
  });

  it("409 when a product still referenced by order lines is deleted", async () => {
    await arrange();
    await expectAnswer("deleteProduct", 409);
    await expectAnswer("deleteProducts", 409);
  });
});

// Every method a client might try; TRACE and CONNECT are left out, as fetch refuses to send them.
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"];

/** The methods the document gives a URL, in the order `Allow` lists them (HEAD with every GET). */
function documentedMethods(url: string): string[] {
  const methods = Object.entries(paths)
    .filter(([template]) => new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(url))
    .flatMap(([, item]) => Object.keys(item).map((m) => m.toUpperCase()));
  return METHODS.filter((m) => methods.includes(m) || (m === "HEAD" && methods.includes("GET")));
}

describe("every operation of the served document, walked", () => {
  it("a body that is not JSON: 400 for every write (the DELETEs of one included); a GET cannot carry one", async () => {
    for (const [id, { method }] of byId) {
      if (method !== "get") await expectAnswer(id, 400, { body: "{" });
    }
  });

  it("a body of another content type: 415 for every write; a read ignores the header", async () => {
    await arrange();
    for (const [id, { method }] of byId) {
      if (method !== "get") await expectAnswer(id, 415, { body: "x", contentType: "text/plain" });
      else await expectAnswer(id, 200, { headers: { "Content-Type": "text/plain" } });
    }
  });

  it("a method its path does not have: 405 with Allow, as problem+json", async () => {
    for (const path of Object.keys(paths)) {
      const url = path.replace("{id}", "1");
      const allow = documentedMethods(url);
      for (const method of METHODS.filter((m) => !allow.includes(m))) {
        const res = await api(url, { method });
        expect(`${method} ${url} → ${res.status}`).toBe(`${method} ${url} → 405`);
        expect(res.headers.get("Allow"), `${method} ${url}`).toBe(allow.join(", "));
        // A HEAD's answer has no body to check.
        if (method !== "HEAD") {
          expectProblem(res, 405, `${method} is not allowed on ${url}; it allows ${allow.join(", ")}`, url);
        }
      }
    }
  });

  it("a method a path outside the document does not have: 405 too; an unknown path stays 404", async () => {
    const res = await api("/openapi.json", { method: "PATCH", body: "{", headers: { "Content-Type": "text/plain" } });
    expectProblem(res, 405, "PATCH is not allowed on /openapi.json; it allows GET, HEAD", "/openapi.json");
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
    expectProblem(await api("/nowhere", { method: "PATCH" }), 404, "No route for PATCH /nowhere", "/nowhere");
  });
});
