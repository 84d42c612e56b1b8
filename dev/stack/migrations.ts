import { fileURLToPath } from "node:url";
import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-http";
import { migrate } from "drizzle-orm/neon-http/migrator";

const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

/**
 * Applies drizzle/ through Neon's HTTP driver: the path production uses, so the local stack
 * exercises the same migrator. `fetchEndpoint` is the local Neon proxy; undefined means Neon.
 */
export async function applyMigrations(databaseUrl: string, fetchEndpoint?: string): Promise<void> {
  if (fetchEndpoint) neonConfig.fetchEndpoint = fetchEndpoint;
  await migrate(drizzle({ client: neon(databaseUrl) }), { migrationsFolder: MIGRATIONS_FOLDER });
}

/**
 * Drops everything the migrations created (the public schema with its tables and functions, and
 * drizzle's record of applied migrations) in one transaction, then applies drizzle/ again: an
 * empty database at the current schema.
 */
export async function resetDatabase(databaseUrl: string, fetchEndpoint?: string): Promise<void> {
  if (fetchEndpoint) neonConfig.fetchEndpoint = fetchEndpoint;
  const sql = neon(databaseUrl);
  await sql.transaction([
    sql.query("drop schema if exists drizzle cascade"),
    sql.query("drop schema if exists public cascade"),
    sql.query("create schema public"),
  ]);
  await applyMigrations(databaseUrl, fetchEndpoint);
}
