import { fileURLToPath } from "node:url";
import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-http";
import { migrate } from "drizzle-orm/neon-http/migrator";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../drizzle", import.meta.url));

/**
 * Applies drizzle/ through Neon's HTTP driver: the path production uses, so the local stack
 * exercises the same migrator. `fetchEndpoint` is the local Neon proxy; undefined means Neon.
 */
export async function applyMigrations(databaseUrl: string, fetchEndpoint?: string): Promise<void> {
  if (fetchEndpoint) neonConfig.fetchEndpoint = fetchEndpoint;
  await migrate(drizzle({ client: neon(databaseUrl) }), { migrationsFolder: MIGRATIONS_FOLDER });
}
