// `npm run check:openapi [-- <api url>]`: the OpenAPI document as generators and linters see it.
// Takes the document a running API serves (e.g. http://127.0.0.1:8787), or without a URL the one
// the Worker's app builds in Node, then
//   1. `redocly lint` with redocly.yaml (the recommended rules): must report 0 errors, 0 warnings;
//   2. `openapi-typescript` generates types from it, and a probe that uses them must typecheck
//      (and misuse them where marked @ts-expect-error, so `any` types would fail too).
// Files land in .artifacts/openapi/ (git-ignored).
import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import app from "../../src/app.ts";

// Not a devDependency: it wants TypeScript 5 as a peer and this project builds with TypeScript 7,
// so npx runs it in its own directory with its own TypeScript.
const OPENAPI_TYPESCRIPT = "openapi-typescript@7.13.0";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = `${root}.artifacts/openapi`;

async function load(url: string | undefined): Promise<{ source: string; doc: { paths: Record<string, object> } }> {
  const res = url
    ? await fetch(new URL("/openapi.json", url))
    : await app.request("http://127.0.0.1:8787/openapi.json", {}, { DATABASE_URL: "postgresql://user@localhost/db" });
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
  return { source: url ? `${url} (served)` : "the app, in Node", doc: await res.json() };
}

function run(label: string, command: string, args: string[]): void {
  console.log(`\n$ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  });
  if (result.status !== 0) {
    console.error(`\n${label} failed (exit ${result.status})`);
    process.exit(1);
  }
}

const { source, doc } = await load(process.argv[2]);
await mkdir(out, { recursive: true });
await writeFile(`${out}/openapi.json`, JSON.stringify(doc, null, 2));
const operationIds = Object.values(doc.paths).flatMap((item) =>
  Object.values(item as Record<string, { operationId?: string }>).map((op) => op.operationId ?? "(none)"),
);
console.log(`OpenAPI document from ${source}: ${operationIds.length} operations`);

run("redocly lint", "redocly", ["lint", "--config=redocly.yaml", "--format=summary", `${out}/openapi.json`]);
run("openapi-typescript", "npx", ["-y", OPENAPI_TYPESCRIPT, `${out}/openapi.json`, "-o", `${out}/schema.d.ts`]);

// Uses the generated types the way a client would; every operation id must be a key of
// `operations`, and `operations` must have no others.
await writeFile(
  `${out}/probe.ts`,
  `import type { components, operations } from "./schema";

const ids = ${JSON.stringify(operationIds)} as const satisfies readonly (keyof operations)[];
type Unlisted = Exclude<keyof operations, (typeof ids)[number]>;
const none: [Unlisted] extends [never] ? true : Unlisted = true;

type NewProduct = operations["createProduct"]["requestBody"]["content"]["application/json"];
const desk: NewProduct = { product_name: "Desk", price: 100, cost: 50, stock: 10 };
// @ts-expect-error price is a number
const wrong: NewProduct = { product_name: "Desk", price: "100", cost: 50, stock: 10 };

type Created = operations["createProduct"]["responses"][201]["content"]["application/json"];
const created: Created = { ...desk, id: 1, created_at: "2026-01-01T00:00:00.000Z", updated_at: "2026-01-01T00:00:00.000Z" };
type NotFound = operations["getProduct"]["responses"][404]["content"]["application/problem+json"];
const problem: NotFound & components["schemas"]["Problem"] = {
  type: "about:blank",
  title: "Not Found",
  status: 404,
  detail: "Product 1 does not exist",
  instance: "/products/1",
  request_id: "0b9f4c1e-6a4e-4f5a-9d0c-5c1f2b7e8a90",
};
// @ts-expect-error an order's id is order_id
const order: operations["getOrder"]["responses"][200]["content"]["application/json"] = { id: 1 };

export { created, desk, none, order, problem, wrong };
`,
);
run("the generated types' probe", "tsc", [
  "--ignoreConfig",
  "--noEmit",
  "--strict",
  "--target",
  "es2022",
  "--module",
  "esnext",
  "--moduleResolution",
  "bundler",
  `${out}/probe.ts`,
]);
console.log(`\nredocly lint clean; types generated in ${out}/schema.d.ts and used by ${out}/probe.ts`);
