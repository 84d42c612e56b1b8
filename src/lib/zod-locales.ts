/**
 * Bundled in place of zod's index of locales (wrangler.toml, `[alias]`). @hono/zod-openapi hands
 * the whole `z` namespace to extendZodWithOpenApi, so the bundler must keep every member of it,
 * and `z.locales` re-exports all 64 of zod's languages: ~260 KiB that the Worker parses at every
 * cold start and never uses (its messages are English, and zod sets `en` up by itself).
 */
export { default as en } from "zod/v4/locales/en.js";
