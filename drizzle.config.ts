import { defineConfig } from "drizzle-kit";

const common = { dialect: "postgresql", schema: "./src/db/schema.ts", out: "./drizzle" } as const;

// `npm run db:studio` opens PGlite's folder directly when no stack is running (dev/db/db-studio.ts).
const pgliteDir = process.env.DRIZZLE_PGLITE_DIR;

export default defineConfig(
  pgliteDir
    ? { ...common, driver: "pglite", dbCredentials: { url: pgliteDir } }
    : { ...common, dbCredentials: { url: process.env.DATABASE_URL ?? "postgresql://postgres@localhost/postgres" } },
);
