import { Redis } from "@upstash/redis/cloudflare";
import type { Config } from "../env";
import { timed } from "./request-scope";

/** Redis was not asked: this request already lost a call to it, or the isolate is cooling off. */
class RedisSkipped extends Error {
  override readonly name = "RedisSkipped";
}

const clients = new Map<string, Redis>();
// When each Redis last failed in this isolate.
const lastFailure = new Map<string, number>();

/**
 * One client per Redis and isolate; the REST client holds no connection of its own. Redis sits
 * on the hot path of every cached read, so a slow Redis must not make the API slow: each call has
 * a deadline (REDIS_TIMEOUT_MS) and no retries, and callers fall back to the database.
 */
function clientFor(url: string, token: string, timeoutMs: number): Redis {
  const key = `${url} ${token} ${timeoutMs}`;
  let client = clients.get(key);
  if (!client) {
    client = new Redis({
      url,
      token,
      enableTelemetry: false,
      // Every call is already one request; pipelining would only delay and merge them.
      enableAutoPipelining: false,
      retry: { retries: 0 },
      signal: () => AbortSignal.timeout(timeoutMs),
      // Cached bodies are stored as JSON text and sent back as they are.
      automaticDeserialization: false,
      // Everything stored is JSON text or a number, which JSON carries as it is; base64 answers
      // (the default, for binary values) cost a decode of every answer: ~6 % of a cache hit's CPU.
      responseEncoding: false,
    });
    clients.set(key, client);
  }
  return client;
}

/**
 * A request's access to Redis, with one budget: after a call fails (a time-out above all), the
 * rest of the request skips Redis, and so does the whole isolate for `coolOffMs`. A hung Redis
 * therefore adds at most one deadline to a request, whatever the request does with Redis, and
 * only one request in a while pays even that.
 */
export class RedisSession {
  #lost = false;

  constructor(
    readonly client: Redis,
    private readonly key: string,
    private readonly coolOffMs: number,
  ) {}

  /** Whether a call would be tried now. */
  get available(): boolean {
    return !this.#lost && Date.now() - (lastFailure.get(this.key) ?? Number.NEGATIVE_INFINITY) >= this.coolOffMs;
  }

  async run<T>(call: (redis: Redis) => Promise<T>): Promise<T> {
    if (!this.available) throw new RedisSkipped("Redis skipped for the rest of this request");
    try {
      return await timed("redis", () => call(this.client));
    } catch (err) {
      this.#failed();
      throw err;
    }
  }

  /** The rest of this request, and the isolate for the cool-off, skip Redis. */
  #failed(): void {
    this.#lost = true;
    lastFailure.set(this.key, Date.now());
  }
}

/** The request's Redis, or null when Redis is not configured (its features are off). */
export function redisSession(config: Config): RedisSession | null {
  const url = config.UPSTASH_REDIS_REST_URL;
  const token = config.UPSTASH_REDIS_REST_TOKEN;
  if (!url || !token) return null;
  return new RedisSession(clientFor(url, token, config.REDIS_TIMEOUT_MS), url, config.REDIS_COOL_OFF_MS);
}
