import { type Context, Hono } from "hono";
import swaggerUi from "swagger-ui-dist/package.json";
import type { AppEnv } from "../../app-env";
import { problem } from "../../problems/catalogue";

// The version is in the assets' path, so a browser may keep them for good and an upgrade of
// swagger-ui-dist is a new path.
const ASSETS_PATH = `/docs/assets/${swaggerUi.version}`;

/** The files of swagger-ui-dist the page needs; nothing else of the package is served. */
const ASSET_FILES = new Set(["swagger-ui.css", "index.css", "swagger-ui-bundle.js", "favicon-32x32.png"]);

// Everything the page loads comes from this origin. Swagger UI's stylesheet draws its icons
// from data: URIs, the one exception.
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Edge Orders API</title>
<link rel="icon" type="image/png" sizes="32x32" href="${ASSETS_PATH}/favicon-32x32.png">
<link rel="stylesheet" href="${ASSETS_PATH}/index.css">
<link rel="stylesheet" href="${ASSETS_PATH}/swagger-ui.css">
<script src="${ASSETS_PATH}/swagger-ui-bundle.js" defer></script>
<script src="/docs/init.js" defer></script>
</head>
<body>
<div id="swagger-ui"></div>
<noscript>This page needs JavaScript. The OpenAPI document is at <a href="/openapi.json">/openapi.json</a>.</noscript>
</body>
</html>
`;

// A file, not an inline script, so the policy needs no 'unsafe-inline'. validatorUrl: null keeps
// Swagger UI from asking validator.swagger.io about the document.
const INIT = `window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    displayOperationId: true,
    displayRequestDuration: true,
    validatorUrl: null,
  });
});
`;

/** GET /docs: Swagger UI, its files served from Workers static assets (the ASSETS binding). */
const router = new Hono<AppEnv>()
  .get("/docs", (c) => c.html(PAGE, 200, { "Content-Security-Policy": DOCS_CSP }))
  .get("/docs/init.js", (c) =>
    c.body(INIT, 200, { "Content-Type": "text/javascript; charset=utf-8", "Content-Security-Policy": DOCS_CSP }),
  )
  .get("/docs/assets/:version/:file", (c) => {
    const { version, file } = c.req.param();
    if (version !== swaggerUi.version || !ASSET_FILES.has(file)) {
      throw problem("no_route", { method: "GET", path: c.req.path });
    }
    return asset(c, file, "public, max-age=31536000, immutable");
  })
  // Browsers ask for /favicon.ico on their own, also when showing a JSON answer.
  .get("/favicon.ico", (c) => asset(c, "favicon-32x32.png", "public, max-age=86400"));

async function asset(c: Context<AppEnv>, file: string, cacheControl: string): Promise<Response> {
  const assets = c.env.ASSETS;
  if (!assets) throw problem("docs_not_deployed");
  const ifNoneMatch = c.req.header("If-None-Match");
  const res = await assets.fetch(`https://assets.local/${file}`, {
    headers: ifNoneMatch ? { "If-None-Match": ifNoneMatch } : {},
  });
  if (!res.ok && res.status !== 304) throw problem("no_such_file", { file });
  const headers: Record<string, string> = { "Cache-Control": cacheControl };
  for (const name of ["Content-Type", "ETag"]) {
    const value = res.headers.get(name);
    if (value) headers[name] = value;
  }
  // c.body, not the asset's own Response, so the headers middleware set (X-Request-Id, …) stay.
  if (res.status === 304) return c.body(null, 304, headers);
  return c.body(res.body ?? new Uint8Array(), 200, headers);
}

export default router;
