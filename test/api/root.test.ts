import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, countRoundTrips, expectProblem } from "../helpers";

describe("root", () => {
  it("greets like the old service", async () => {
    const { result: res, roundTrips } = await countRoundTrips(() => api("/"));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: "Hello, World!" });
    expect(roundTrips).toBe(0);
  });

  it("reports the database and cache state", async () => {
    const { result: res, roundTrips } = await countRoundTrips(() => api("/health"));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      env.STACK_REDIS_DOWN
        ? { status: "degraded", checks: { database: "ok", cache: "unreachable" } }
        : { status: "ok", checks: { database: "ok", cache: "ok" } },
    );
    expect(roundTrips).toBe(1);
  });

  it("answers unknown routes with a problem+json 404", async () => {
    const res = await api("/nope");
    expectProblem(res, 404, "No route for GET /nope", "/nope");
    expect(res.body).toEqual({
      type: "about:blank",
      title: "Not Found",
      status: 404,
      detail: "No route for GET /nope",
      instance: "/nope",
      request_id: res.headers.get("X-Request-Id"),
    });
  });

  it("sends secure headers and a request id on every response", async () => {
    const res = await api("/");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
    expect(res.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("serves the OpenAPI 3.1 document and the Swagger UI page", async () => {
    const doc = await api<{ openapi: string; paths: Record<string, unknown> }>("/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toContain("/health");
    const docs = await api<string>("/docs");
    expect(docs.status).toBe(200);
    expect(docs.headers.get("Content-Type")).toBe("text/html; charset=UTF-8");
    expect(docs.body).toContain("/openapi.json");
  });
});
