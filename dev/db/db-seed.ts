// `npm run db:seed -- [--products 1000] [--orders 10000] [--lines 30000] [--seed 1]`: fills an
// empty database with a deterministic data set through Neon's SQL-over-HTTP protocol. The
// database is DATABASE_URL (+ NEON_FETCH_ENDPOINT), else the running local stack. The API's read
// cache is invalidated at once when its Redis is known (docs/data-tools.md).
import { parseArgs } from "node:util";
import { invalidateAfterWrites } from "../stack/cache-outbox.ts";
import { NotEmptyError, type SeedProgress, seedDatabase, validateSizes } from "./seed.ts";
import { fail, resolveTarget, rootCause } from "./target.ts";

const usage = "usage: npm run db:seed -- [--products 1000] [--orders 10000] [--lines 30000] [--seed 1]";

function cli() {
  try {
    return parseArgs({
      options: {
        products: { type: "string", default: "1000" },
        orders: { type: "string", default: "10000" },
        lines: { type: "string", default: "30000" },
        seed: { type: "string", default: "1" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (err) {
    return fail(`${(err as Error).message}\n${usage}`);
  }
}

const values = cli();
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const number = (text: string) =>
  /^\d+$/.test(text.replaceAll("_", "")) ? Number(text.replaceAll("_", "")) : Number.NaN;
const sizes = { products: number(values.products), orders: number(values.orders), lines: number(values.lines) };
const seed = number(values.seed);
const invalid = validateSizes(sizes) ?? (Number.isSafeInteger(seed) ? undefined : "--seed must be a whole number");
if (invalid) fail(`${invalid}\n${usage}`);

const target = await resolveTarget();
const fmt = (n: number) => n.toLocaleString("en");
console.log(
  `Seeding ${target.label}: ${fmt(sizes.products)} products, ${fmt(sizes.orders)} orders, ${fmt(sizes.lines)} order lines (seed ${seed})`,
);

const started = performance.now();
let tableStarted = started;
const seconds = (from: number) => `${((performance.now() - from) / 1000).toFixed(1)} s`;
const tty = process.stderr.isTTY;

function report({ table, done, total }: SeedProgress): void {
  const name = table.padEnd(15);
  if (tty) {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    process.stderr.write(
      `\r${name} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(percent).padStart(3)}%  ${fmt(done)}/${fmt(total)}  ${seconds(tableStarted)}\x1b[K`,
    );
  }
  if (done === total) {
    if (tty) process.stderr.write("\r\x1b[K");
    console.log(`${name} ${fmt(total).padStart(11)} rows in ${seconds(tableStarted)}`);
    tableStarted = performance.now();
  }
}

try {
  await seedDatabase(target.databaseUrl, target.fetchEndpoint, { ...sizes, seed }, report);
} catch (err) {
  if (tty) process.stderr.write("\n");
  if (err instanceof NotEmptyError) fail(err.message);
  // The rows that did commit are in the outbox like any others.
  console.error(await invalidateAfterWrites(target));
  fail(`Seeding failed: ${rootCause(err)}\nRows written so far stay; \`npm run db:reset\` empties the database.`);
}
console.log(await invalidateAfterWrites(target));
console.log(`Done in ${seconds(started)}.`);
