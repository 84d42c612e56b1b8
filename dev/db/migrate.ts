// `npm run db:migrate`: applies drizzle/ to DATABASE_URL (Neon in production). Set
// NEON_FETCH_ENDPOINT to migrate through a local Neon proxy instead.

import { neonEndpointProblem } from "../../src/env.ts";
import { applyMigrations } from "../stack/migrations.ts";
import { redact } from "../stack/postgres.ts";
import { rootCause } from "./target.ts";

const url = process.env.DATABASE_URL;
const endpoint = process.env.NEON_FETCH_ENDPOINT || undefined;
if (!url) {
  console.error(
    "DATABASE_URL is not set. Example: DATABASE_URL=postgresql://user:pass@ep-x.neon.tech/db npm run db:migrate",
  );
  process.exit(1);
}
const problem = neonEndpointProblem(url, endpoint);
if (problem) {
  console.error(`NEON_FETCH_ENDPOINT ${problem}.`);
  process.exit(1);
}
const target = `${redact(url)}${endpoint ? ` through ${endpoint}` : ""}`;
try {
  await applyMigrations(url, endpoint);
} catch (err) {
  console.error(`Migrations failed on ${target}: ${rootCause(err)}`);
  process.exit(1);
}
console.log(`Migrations applied to ${target}`);
