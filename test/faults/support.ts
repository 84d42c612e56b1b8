import { env } from "cloudflare:test";
import type { FaultRule, FaultStats } from "../../dev/proxies/fault-proxy/server";

type Service = "db" | "redis";

const origin = (service: Service) => (service === "db" ? env.STACK_DB_FAULT : env.STACK_REDIS_FAULT) ?? "";

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Adds fault rules on the way to Neon ("db") or Upstash ("redis"); first match wins. */
export async function inject(service: Service, ...rules: FaultRule[]): Promise<void> {
  await call(`${origin(service)}/__fault`, { method: "POST", body: JSON.stringify(rules) });
}

/** Answers once `count` requests are held by a "hold" rule. */
export async function held(service: Service, count: number): Promise<void> {
  await call(`${origin(service)}/__fault/held?count=${count}`);
}

export async function release(service: Service): Promise<void> {
  await call(`${origin(service)}/__fault/release`, { method: "POST" });
}

export function faultStats(service: Service): Promise<FaultStats> {
  return call(`${origin(service)}/__fault/stats`);
}

export async function resetFaults(): Promise<void> {
  await Promise.all((["db", "redis"] as const).map((s) => call(`${origin(s)}/__fault/reset`, { method: "POST" })));
}

/** Opens a transaction outside the Worker that runs `sql` (e.g. a FOR UPDATE) and stays open. */
export async function holdLock(sql: string): Promise<number> {
  return (await call<{ id: number }>(`${env.STACK_LOCKS}/hold`, { method: "POST", body: JSON.stringify({ sql }) })).id;
}

/** Answers once `count` sessions wait on a lock in Postgres. */
export async function lockWaiters(count: number): Promise<void> {
  await call(`${env.STACK_LOCKS}/waiting?count=${count}`);
}

export async function releaseLock(id: number): Promise<void> {
  await call(`${env.STACK_LOCKS}/release`, { method: "POST", body: JSON.stringify({ id }) });
}
