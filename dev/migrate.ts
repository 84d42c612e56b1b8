// `npm run db:migrate`: applies drizzle/ to DATABASE_URL (Neon in production). Set
// NEON_FETCH_ENDPOINT to migrate through a local Neon proxy instead.

import { applyMigrations } from "./migrations.ts";
import { redact } from "./postgres.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error(
    "DATABASE_URL is not set. Example: DATABASE_URL=postgresql://user:pass@ep-x.neon.tech/db npm run db:migrate",
  );
  process.exit(1);
}
await applyMigrations(url, process.env.NEON_FETCH_ENDPOINT || undefined);
console.log(`Migrations applied to ${redact(url)}`);
