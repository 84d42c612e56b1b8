// `npm run build:client`: the package's "./client" entry in dist/client/ (index.js, index.d.ts),
// which another project installs with this package (npm pack, or a path) and imports as
// `edge-orders-api/client`. The JavaScript is src/client.ts alone (hono/client stays an import);
// the declarations are tsc's for src/client.ts, whose types tsc writes out in full. The build
// refuses declarations that import anything but hono or name a Workers type, since another
// project would then need this project's sources or @cloudflare/workers-types to compile.
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = join(root, "dist/client");
const WORKERS_TYPES = /\b(Env|Fetcher|ExecutionContext|ExportedHandler|ScheduledController|DurableObject\w*)\b/;

const work = await mkdtemp(join(tmpdir(), "edge-api-client-"));
try {
  const tsc = spawnSync(join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.client.json", "--outDir", work], {
    cwd: root,
    stdio: "inherit",
  });
  if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.client.json failed (exit ${tsc.status})`);
  const types = await readFile(join(work, "client.d.ts"), "utf8");
  const imports = [...types.matchAll(/(?:from\s+|import\()\s*"([^"]+)"/g)].map((m) => m[1] ?? "");
  const foreign = [...new Set(imports.filter((specifier) => !/^hono(\/|$)/.test(specifier)))];
  if (foreign.length > 0) throw new Error(`dist/client/index.d.ts would import ${foreign.join(", ")}`);
  const workers = types.match(WORKERS_TYPES);
  if (workers) throw new Error(`dist/client/index.d.ts would name the Workers type ${workers[0]}`);

  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: [join(root, "src/client.ts")],
    outfile: join(out, "index.js"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["hono", "hono/*"],
    logLevel: "warning",
  });
  await writeFile(join(out, "index.d.ts"), types);
  console.log(
    `dist/client: index.js, index.d.ts (${(types.length / 1024).toFixed(0)} KiB of types, imports: hono/client)`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
