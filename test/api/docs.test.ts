import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import swaggerUi from "../../node_modules/swagger-ui-dist/package.json";
import { api, bodyText, expectProblem } from "../helpers";

const ASSETS = `/docs/assets/${swaggerUi.version}`;
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The same file straight from the asset store, to compare with what the Worker serves. */
async function stored(file: string): Promise<string> {
  const res = await env.ASSETS?.fetch(`https://assets.local/${file}`);
  expect(res?.status).toBe(200);
  return res ? bodyText(res) : "";
}

describe("GET /docs", () => {
  it("is Swagger UI loading only files of this origin, under a self-only Content-Security-Policy", async () => {
    const res = await api<string>("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=UTF-8");
    expect(res.headers.get("Content-Security-Policy")).toBe(CSP);
    expect(res.body).not.toMatch(/https?:\/\//);
    expect([...res.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])).toEqual([
      `${ASSETS}/favicon-32x32.png`,
      `${ASSETS}/index.css`,
      `${ASSETS}/swagger-ui.css`,
      `${ASSETS}/swagger-ui-bundle.js`,
      "/docs/init.js",
      "/openapi.json",
    ]);
    expect(res.body).not.toMatch(/<script>|<style|style=/);
  });

  it("starts Swagger UI from a script file, on /openapi.json, without the online validator", async () => {
    const res = await api<string>("/docs/init.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(res.body).toContain('url: "/openapi.json"');
    expect(res.body).toContain("validatorUrl: null");
    expect(res.body).not.toMatch(/https?:\/\//);
  });

  it.each([
    ["swagger-ui-bundle.js", "text/javascript; charset=utf-8"],
    ["swagger-ui.css", "text/css; charset=utf-8"],
    ["index.css", "text/css; charset=utf-8"],
    ["favicon-32x32.png", "image/png"],
  ])("serves %s from the pinned swagger-ui-dist, cacheable for good", async (file, type) => {
    const res = await api<string>(`${ASSETS}/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe(type);
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.text).toBe(await stored(file));
  });

  it("answers 304 to If-None-Match with the asset's ETag", async () => {
    const first = await api(`${ASSETS}/swagger-ui.css`);
    const etag = first.headers.get("ETag");
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const again = await api(`${ASSETS}/swagger-ui.css`, { headers: { "If-None-Match": etag ?? "" } });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
  });

  it("serves a favicon at /favicon.ico", async () => {
    const res = await api<string>("/favicon.ico");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/png");
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=86400");
    expect(res.text).toBe(await stored("favicon-32x32.png"));
  });

  it("serves no other file of the package, and no other version", async () => {
    for (const path of [
      `${ASSETS}/package.json`,
      `${ASSETS}/index.html`,
      `${ASSETS}/swagger-initializer.js`,
      "/docs/assets/0.0.0/swagger-ui.css",
      "/index.html",
      "/swagger-ui-bundle.js",
    ]) {
      expectProblem(await api(path), 404, `No route for GET ${path}`, path);
    }
  });
});
