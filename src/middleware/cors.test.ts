import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { desk } from "../../test/fixtures";
import { type ApiResponse, api, countRedisTrips, countRoundTrips, expectProblem } from "../../test/helpers";
import { type Bindings, loadConfig } from "../env";

const APP = "https://app.example";
const OTHER = "https://elsewhere.example";
const ALLOW_HEADERS = "Authorization,Content-Type,Idempotency-Key,If-Match,If-None-Match";
const EXPOSE_HEADERS = "ETag,Location,Link,X-Request-Id,X-Cache,Retry-After,Idempotent-Replayed,Server-Timing";

/** The CORS-related headers of an answer, to compare exactly. */
function corsHeaders(res: ApiResponse): Record<string, string> {
  return Object.fromEntries([...res.headers].filter(([name]) => name.startsWith("access-control-") || name === "vary"));
}

function preflight(
  path: string,
  origin: string,
  method: string,
  headers: string,
  bindings: Partial<Bindings>,
  extra: Record<string, string> = {},
) {
  return api(
    path,
    {
      method: "OPTIONS",
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
        ...extra,
      },
    },
    bindings,
  );
}

const named = { CORS_ORIGINS: `${APP}, https://admin.example:8443` };
const anyReads = { CORS_ORIGINS: "*" };

describe("without CORS_ORIGINS", () => {
  it("sends no CORS header, and a preflight is a method the path does not have", async () => {
    const read = await api("/", { headers: { Origin: APP } });
    expect(read.status).toBe(200);
    expect(corsHeaders(read)).toEqual({});
    const res = await preflight("/products", APP, "POST", "content-type", {});
    expectProblem(res, 405, "OPTIONS is not allowed on /products; it allows GET, HEAD, POST", "/products");
    expect(res.headers.get("Allow")).toBe("GET, HEAD, POST");
    expect(corsHeaders(res)).toEqual({});
  });
});

describe("an origin named in CORS_ORIGINS", () => {
  it("gets its preflight answered 204 with every method, the request headers it may send and a max age", async () => {
    const res = await preflight("/products", APP, "POST", "authorization,content-type,idempotency-key", named);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(corsHeaders(res)).toEqual({
      "access-control-allow-origin": APP,
      "access-control-allow-methods": "GET,HEAD,POST,PUT,DELETE",
      "access-control-allow-headers": ALLOW_HEADERS,
      "access-control-expose-headers": EXPOSE_HEADERS,
      "access-control-max-age": "7200",
      vary: "Origin, Access-Control-Request-Headers",
    });
    expect([...res.headers.keys()].sort()).toEqual([
      "access-control-allow-headers",
      "access-control-allow-methods",
      "access-control-allow-origin",
      "access-control-expose-headers",
      "access-control-max-age",
      "cross-origin-opener-policy",
      "cross-origin-resource-policy",
      "origin-agent-cluster",
      "referrer-policy",
      "server-timing",
      "strict-transport-security",
      "vary",
      "x-cache",
      "x-content-type-options",
      "x-dns-prefetch-control",
      "x-download-options",
      "x-frame-options",
      "x-permitted-cross-domain-policies",
      "x-request-id",
      "x-xss-protection",
    ]);
  });

  it("answers preflights on every path, also the second origin of the list", async () => {
    for (const [path, method] of [
      ["/products/1", "PUT"],
      ["/orders-batch", "DELETE"],
      ["/reports-all", "GET"],
      ["/no-such-route", "GET"],
    ] as const) {
      const res = await preflight(path, "https://admin.example:8443", method, "if-match", named);
      expect(res.status, path).toBe(204);
      expect(res.headers.get("Access-Control-Allow-Origin"), path).toBe("https://admin.example:8443");
    }
  });

  it("costs no database and no Redis round trip for a preflight", async () => {
    const { result, redisTrips } = await countRedisTrips(() =>
      countRoundTrips(() => preflight("/orders/1", APP, "DELETE", "authorization,if-match", named)),
    );
    expect(result.result.status).toBe(204);
    expect(result.roundTrips).toBe(0);
    expect(redisTrips).toBe(0);
  });

  it("needs no key for a preflight, while the write itself still does", async () => {
    const auth = { ...named, AUTH_DISABLED: "false" };
    const res = await preflight("/products", APP, "POST", "authorization,content-type", auth);
    expect(res.status).toBe(204);
    const write = await api("/products", { method: "POST", headers: { Origin: APP }, json: desk }, auth);
    expectProblem(write, 401, "Writes need an API key: send Authorization: Bearer <key>", "/products");
    // The browser may read the refusal.
    expect(corsHeaders(write)).toEqual({
      "access-control-allow-origin": APP,
      "access-control-expose-headers": EXPOSE_HEADERS,
      vary: "Origin",
    });
  });

  it("does not rate-limit preflights, nor count them against the caller", async () => {
    const limited = { ...named, RATE_LIMIT_READS: env.TEST_LIMIT_2, RATE_LIMIT_WRITES: env.TEST_LIMIT_2 };
    const caller = { "CF-Connecting-IP": `2001:db8:cafe::${crypto.randomUUID().slice(0, 4)}` };
    for (let i = 0; i < 5; i++) {
      const res = await preflight("/products", APP, "POST", "content-type", limited, caller);
      expect(res.status).toBe(204);
    }
    for (let i = 0; i < 2; i++) {
      const write = await api(
        "/products",
        { method: "POST", headers: { Origin: APP, ...caller }, json: desk },
        limited,
      );
      expect(write.status).toBe(201);
    }
    const refused = await api(
      "/products",
      { method: "POST", headers: { Origin: APP, ...caller }, json: desk },
      limited,
    );
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Access-Control-Allow-Origin")).toBe(APP);
  });

  it("reads and writes with its origin echoed and the headers clients need exposed", async () => {
    const created = await api<{ id: number }>(
      "/products",
      { method: "POST", headers: { Origin: APP, "Idempotency-Key": crypto.randomUUID() }, json: desk },
      named,
    );
    expect(created.status).toBe(201);
    expect(corsHeaders(created)).toEqual({
      "access-control-allow-origin": APP,
      "access-control-expose-headers": EXPOSE_HEADERS,
      vary: "Origin",
    });
    const read = await api(`/products/${created.body.id}`, { headers: { Origin: APP } }, named);
    expect(read.status).toBe(200);
    expect(corsHeaders(read)).toEqual({
      "access-control-allow-origin": APP,
      "access-control-expose-headers": EXPOSE_HEADERS,
      vary: "Origin",
    });
    const missing = await api("/products/999", { headers: { Origin: APP } }, named);
    expectProblem(missing, 404, "Product 999 does not exist", "/products/999");
    expect(missing.headers.get("Access-Control-Allow-Origin")).toBe(APP);
  });

  it("gets no preflight answer to an OPTIONS without Access-Control-Request-Method: a 405 with Allow", async () => {
    const res = await api("/products/1", { method: "OPTIONS", headers: { Origin: APP } }, named);
    expectProblem(res, 405, "OPTIONS is not allowed on /products/1; it allows GET, HEAD, PUT, DELETE", "/products/1");
    expect(res.headers.get("Allow")).toBe("GET, HEAD, PUT, DELETE");
    expect(corsHeaders(res)).toEqual({ vary: "Origin" });
  });

  it("is not offered PATCH, which the API does not have", async () => {
    const res = await preflight("/products/1", APP, "PATCH", "content-type", named);
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Methods")).toBe("GET,HEAD,POST,PUT,DELETE");
  });
});

describe("an origin not in CORS_ORIGINS", () => {
  it("gets a bare 204 to its preflight and no CORS header on answers, so the browser blocks it", async () => {
    const res = await preflight("/products", OTHER, "POST", "content-type", named);
    expect(res.status).toBe(204);
    expect(corsHeaders(res)).toEqual({ vary: "Origin" });
    const read = await api("/products", { headers: { Origin: OTHER } }, named);
    expect(read.status).toBe(200);
    expect(corsHeaders(read)).toEqual({ vary: "Origin" });
  });

  it("is matched exactly: scheme, host and port", async () => {
    for (const origin of ["http://app.example", "https://app.example:444", "https://sub.app.example", "null"]) {
      const read = await api("/", { headers: { Origin: origin } }, named);
      expect(read.headers.get("Access-Control-Allow-Origin"), origin).toBeNull();
    }
  });
});

describe("CORS_ORIGINS=*", () => {
  it("lets any origin read, with Access-Control-Allow-Origin: *", async () => {
    const read = await api("/products", { headers: { Origin: OTHER } }, anyReads);
    expect(read.status).toBe(200);
    expect(corsHeaders(read)).toEqual({
      "access-control-allow-origin": "*",
      "access-control-expose-headers": EXPOSE_HEADERS,
      vary: "Origin",
    });
    const res = await preflight("/products/1", OTHER, "GET", "if-none-match", anyReads);
    expect(res.status).toBe(204);
    expect(corsHeaders(res)).toEqual({
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET,HEAD",
      "access-control-allow-headers": ALLOW_HEADERS,
      "access-control-expose-headers": EXPOSE_HEADERS,
      "access-control-max-age": "7200",
      vary: "Origin, Access-Control-Request-Headers",
    });
  });

  it("does not let any origin write: the preflight gets no CORS header, nor does the answer", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const res = await preflight("/products", OTHER, method, "content-type", anyReads);
      expect(res.status, method).toBe(204);
      expect(corsHeaders(res), method).toEqual({ vary: "Origin" });
    }
    const write = await api("/products", { method: "POST", headers: { Origin: OTHER }, json: desk }, anyReads);
    expect(write.status).toBe(201);
    expect(corsHeaders(write)).toEqual({ vary: "Origin" });
  });

  it("still lets the origins named beside it write", async () => {
    const both = { CORS_ORIGINS: `*,${APP}` };
    const res = await preflight("/products", APP, "POST", "content-type", both);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(APP);
    expect(res.headers.get("Access-Control-Allow-Methods")).toBe("GET,HEAD,POST,PUT,DELETE");
    const other = await preflight("/products", OTHER, "POST", "content-type", both);
    expect(corsHeaders(other)).toEqual({ vary: "Origin" });
  });
});

describe("a bad CORS_ORIGINS", () => {
  it.each([
    "https://app.example/",
    "https://app.example/path",
    "app.example",
    "ftp://app.example",
    "https://APP.example",
  ])("is a configuration error that fails every request with a 500: %s", async (value) => {
    const bindings = { CORS_ORIGINS: `${APP},${value}` };
    expect(() => loadConfig({ ...env, ...bindings })).toThrow(
      `Invalid Worker configuration: CORS_ORIGINS must be "*" or origins like https://app.example.com (scheme://host[:port], no path), comma-separated; not ${value}`,
    );
    const res = await api("/", { headers: { Origin: APP } }, bindings);
    expectProblem(res, 500, /^An unexpected error occurred/, "/");
  });
});
