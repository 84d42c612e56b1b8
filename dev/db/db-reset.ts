// `npm run db:reset [-- --yes]`: empties the database, after a y/N prompt (or --yes).
//   DATABASE_URL unset  deletes PGlite's .data/pglite; the next `npm run dev` or `dev:stack`
//                       starts from an empty, migrated database
//   DATABASE_URL set    drops its public schema (tables, functions) and drizzle's migration
//                       record through Neon's protocol (NEON_FETCH_ENDPOINT for a non-Neon
//                       host), then applies drizzle/ again: empty and migrated; every cached
//                       answer is invalidated, at once when the API's Redis is known
import { existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { invalidateAfterWrites, recordEverythingChanged } from "../stack/cache-outbox.ts";
import { resetDatabase } from "../stack/migrations.ts";
import { DEV_DATABASE_URL, DEV_NEON_ENDPOINT } from "../stack/ports.ts";
import { pgliteOwner } from "../stack/postgres.ts";
import { confirm, fail, resolveTarget, rootCause } from "./target.ts";

const { values } = parseArgs({ options: { yes: { type: "boolean", short: "y", default: false } } });
const pgliteDir = fileURLToPath(new URL("../../.data/pglite", import.meta.url));

if (!process.env.DATABASE_URL) {
  const owner = pgliteOwner(pgliteDir);
  if (owner !== undefined) {
    fail(
      `.data/pglite is open in process ${owner.pid} (npm run dev, dev:stack or db:studio). Stop it first, or empty it through the running stack:\n  DATABASE_URL=${DEV_DATABASE_URL} NEON_FETCH_ENDPOINT=${DEV_NEON_ENDPOINT} npm run db:reset`,
    );
  }
  if (!existsSync(pgliteDir)) {
    console.log(".data/pglite does not exist: nothing to reset.");
    process.exit(0);
  }
  if (!(await confirm(`Delete PGlite's database in ${pgliteDir}?`, values.yes))) fail("Nothing changed.");
  rmSync(pgliteDir, { recursive: true, force: true });
  console.log("Deleted .data/pglite: the next `npm run dev` or `npm run dev:stack` starts from an empty database,");
  console.log("and drops whatever its Redis cached from this one.");
  process.exit(0);
}

const target = await resolveTarget();
if (!(await confirm(`Drop every table and function of ${target.label}, then migrate it again?`, values.yes))) {
  fail("Nothing changed.");
}
try {
  await resetDatabase(target.databaseUrl, target.fetchEndpoint);
  // The schema was dropped, not written row by row: no trigger saw it, so the reset says itself
  // that everything changed.
  await recordEverythingChanged(target);
} catch (err) {
  fail(`Reset failed: ${rootCause(err)}`);
}
console.log(`Emptied and migrated ${target.label}.`);
console.log(await invalidateAfterWrites(target));
