import { z } from "zod";
import { CorsOriginsSchema } from "./lib/cors-policy";

// Workers pass unset bindings as undefined and blank `--var`s as "", so both mean "not set".
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const EnvSchema = z
  .object({
    DATABASE_URL: z
      .string({ error: "is required (a postgres:// or postgresql:// connection string)" })
      .regex(/^postgres(ql)?:\/\/[^/]+\/[^/?]+/, "must be a postgres:// URL with a user, host and database"),
    NEON_FETCH_ENDPOINT: optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })),
    UPSTASH_REDIS_REST_URL: optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })),
    UPSTASH_REDIS_REST_TOKEN: optional(z.string()),
    API_KEYS: optional(z.string()).transform((v) =>
      (v ?? "")
        .split(",")
        .map((k) => k.trim())
        .filter((k) => k.length > 0),
    ),
    AUTH_DISABLED: optional(z.enum(["true", "false"], { error: 'must be "true" or "false"' })).transform(
      (v) => v === "true",
    ),
    CACHE_TTL_SECONDS: optional(z.coerce.number().int().min(1).max(86_400)).transform((v) => v ?? 300),
    // Deadlines of one database request: reads (and /health, at most 2 s) and writes. A write
    // gets longer because a write past its deadline has an unknown outcome.
    DB_TIMEOUT_MS: optional(z.coerce.number().int().min(50).max(60_000)).transform((v) => v ?? 5_000),
    DB_WRITE_TIMEOUT_MS: optional(z.coerce.number().int().min(50).max(60_000)).transform((v) => v ?? 10_000),
    // The deadline of one Redis call: Redis is a fast path, so a slow one is treated as down.
    REDIS_TIMEOUT_MS: optional(z.coerce.number().int().min(10).max(10_000)).transform((v) => v ?? 200),
    // How long an isolate leaves Redis alone after a failed call (0 = retry on the next request).
    REDIS_COOL_OFF_MS: optional(z.coerce.number().int().min(0).max(600_000)).transform((v) => v ?? 5_000),
    CORS_ORIGINS: CorsOriginsSchema,
  })
  .superRefine((env, ctx) => {
    const endpointProblem = neonEndpointProblem(env.DATABASE_URL, env.NEON_FETCH_ENDPOINT);
    if (endpointProblem) ctx.addIssue({ code: "custom", path: ["NEON_FETCH_ENDPOINT"], message: endpointProblem });
    if (Boolean(env.UPSTASH_REDIS_REST_URL) !== Boolean(env.UPSTASH_REDIS_REST_TOKEN)) {
      ctx.addIssue({
        code: "custom",
        path: [env.UPSTASH_REDIS_REST_URL ? "UPSTASH_REDIS_REST_TOKEN" : "UPSTASH_REDIS_REST_URL"],
        message: "UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set together",
      });
    }
  });

export type Config = z.infer<typeof EnvSchema>;

/**
 * The raw bindings as Cloudflare hands them to the Worker: `Env` is generated from wrangler.toml
 * and .dev.vars.example (`npm run cf-typegen`), and any of them may be unset.
 */
export type Bindings = Partial<Env>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

// The env object is the same for every request an isolate serves, so it is parsed once.
const parsed = new WeakMap<object, Config>();

export function loadConfig(env: Bindings): Config {
  const hit = parsed.get(env);
  if (hit) return hit;
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "env"} ${i.message}`);
    throw new ConfigError(`Invalid Worker configuration: ${problems.join("; ")}`);
  }
  parsed.set(env, result.data);
  return result.data;
}

/**
 * Without NEON_FETCH_ENDPOINT the Neon driver sends SQL to `https://api.<host minus its first
 * label>/sql`, which only exists for Neon hosts; for any other host (localhost, an IP, a plain
 * Postgres server) every query would fail with an obscure URL error, so say what to set instead.
 */
export function neonEndpointProblem(databaseUrl: string, fetchEndpoint: string | undefined): string | undefined {
  if (fetchEndpoint) return undefined;
  let host: string;
  try {
    host = new URL(databaseUrl).hostname;
  } catch {
    return undefined;
  }
  if (/\.neon\.tech$/i.test(host)) return undefined;
  return `must be set: DATABASE_URL's host ${host} is not a Neon host (*.neon.tech), and Neon's HTTP driver reaches only those. Locally, run \`npm run dev:stack\` and set NEON_FETCH_ENDPOINT=http://127.0.0.1:4444/sql; in production, use the connection string from the Neon console`;
}
