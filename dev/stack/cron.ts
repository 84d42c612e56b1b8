// Fires the Worker's scheduled handler locally, on production's schedule. `wrangler dev` never
// runs Cron Triggers by itself; it exposes them at /cdn-cgi/local/scheduled, which this calls at
// the start of every minute ("* * * * *" in wrangler.toml), so the outbox drain, the sales
// compaction and key expiry run locally as they do in production. By hand:
//   curl "http://127.0.0.1:8787/cdn-cgi/local/scheduled?cron=*+*+*+*+*"

export interface Cron {
  stop(): void;
}

/**
 * Calls `workerUrl`'s scheduled handler at the start of each period (a whole minute, unless a
 * test asks for less); `onRun` hears each outcome.
 */
export function startCron(
  workerUrl: string,
  onRun: (outcome: string) => void = () => undefined,
  periodMs = 60_000,
): Cron {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = async () => {
    const res = await fetch(`${workerUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}`).then(
      (r) => `${r.status}`,
      (err: Error) => `not reachable (${err.message})`,
    );
    onRun(res);
  };
  const next = () => {
    timer = setTimeout(
      () => {
        void fire();
        next();
      },
      periodMs - (Date.now() % periodMs),
    );
  };
  next();
  return { stop: () => clearTimeout(timer) };
}
