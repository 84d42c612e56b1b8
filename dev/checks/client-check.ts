// `npm run check:client [-- <api url>]`: the package's "./client" entry as another project gets
// it. In a scratch folder: this package packed (`npm pack`, which builds dist/client), installed
// with plain TypeScript and no Workers types into a project whose script creates a product and an
// order; the script must compile with every check on (skipLibCheck off), and its misuses must
// not. Then the same against each end of the hono range this package allows. With an API URL
// (e.g. a running `npm run dev`), the compiled script also runs against it.
// Needs only the npm registry (typescript, hono and this package's dependencies).
//   CLIENT_CHECK_TYPESCRIPT  the consumer's TypeScript versions (default "5 7": the 5.x line and the 7.x line)
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const apiUrl = process.argv[2];
const typescripts = (process.env.CLIENT_CHECK_TYPESCRIPT || "5 7").split(/\s+/).filter(Boolean);

const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
  name: string;
  dependencies: Record<string, string>;
};
// The lowest hono the package allows (its dependency's floor) and the newest 4.x.
const honoFloor = pkg.dependencies.hono?.replace(/^[\^~]/, "") ?? "";
const honos = [honoFloor, "4"];

const SCRIPT = `import { type Client, createClient } from "${pkg.name}/client";

// No @types/node: the API's URL comes from the command line when Node runs this.
const argv = (globalThis as { process?: { argv: string[] } }).process?.argv ?? [];
const api: Client = createClient(argv[2] ?? "http://127.0.0.1:8787", { apiKey: "client-check-key" });

const created = await api.products.$post({ json: { product_name: "Desk", price: 100, cost: 50, stock: 3 } });
if (created.status !== 201) throw new Error(\`POST /products answered \${created.status}\`);
const product = await created.json();
const productId: number = product.id;
const name: string = product.product_name;

const ordered = await api.orders.$post(
  { json: { product_ids: [productId], amounts: [2] } },
  { headers: { "Idempotency-Key": crypto.randomUUID() } },
);
if (ordered.status !== 201) throw new Error(\`POST /orders answered \${ordered.status}\`);
const orderId: number = await ordered.json();

const read = await api.orders[":id"].$get({ param: { id: String(orderId) } });
if (read.status !== 200) throw new Error(\`GET /orders/\${orderId} answered \${read.status}\`);
const order = await read.json();
const total: number = order.total;
const lines: { product_name: string; amount: number }[] = order.products;
console.log(\`created \${name} (product \${productId}) and order \${orderId}: \${lines.length} line, total \${total}\`);

// What the types must refuse; never called.
export function misuses() {
  // @ts-expect-error amounts are numbers
  void api.orders.$post({ json: { product_ids: [1], amounts: ["2"] } });
  // @ts-expect-error a product needs a price
  void api.products.$post({ json: { product_name: "Desk", cost: 1, stock: 1 } });
  // @ts-expect-error the API has no such route
  void api.customers.$get();
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    // The package's declarations are checked too, and nothing ambient is loaded: no Workers types.
    skipLibCheck: false,
    types: [],
    outDir: "out",
  },
  include: ["create-order.ts"],
};

function run(command: string, args: string[], cwd: string): string {
  console.log(`$ ${command} ${args.join(" ")}`);
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}

async function installed(dir: string, name: string): Promise<string> {
  return (JSON.parse(await readFile(join(dir, "node_modules", name, "package.json"), "utf8")) as { version: string })
    .version;
}

const work = await mkdtemp(join(tmpdir(), "edge-api-consumer-"));
try {
  // npm pack runs `prepack`, which builds dist/client.
  const packed = run("npm", ["pack", "--pack-destination", work, "--silent"], root).trim().split("\n").at(-1) ?? "";
  await writeFile(
    join(work, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true, type: "module" })}\n`,
  );
  await writeFile(join(work, "tsconfig.json"), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  await writeFile(join(work, "create-order.ts"), SCRIPT);
  const install = ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"];
  run("npm", [...install, join(work, packed)], work);
  for (const typescript of typescripts) {
    for (const hono of honos) {
      run("npm", [...install, `typescript@${typescript}`, `hono@${hono}`], work);
      run("npx", ["--no-install", "tsc", "-p", "."], work);
      console.log(
        `✓ the client compiles in a plain project (typescript ${await installed(work, "typescript")}, hono ${await installed(work, "hono")})`,
      );
    }
  }
  const loaded = run(
    "node",
    ["-e", `import("${pkg.name}/client").then((m) => console.log(typeof m.createClient))`],
    work,
  );
  if (loaded.trim() !== "function") throw new Error(`${pkg.name}/client exports no createClient`);
  console.log(`✓ ${pkg.name}/client loads in Node and exports createClient`);
  if (apiUrl) {
    console.log(run("node", ["out/create-order.js", apiUrl], work).trim());
    console.log(`✓ the compiled script created a product and an order on ${apiUrl}`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
