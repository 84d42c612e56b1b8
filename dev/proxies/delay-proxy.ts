// An HTTP proxy that stands for a distance: every request it forwards waits `delayMs` first, and
// it records when each one finished, so a benchmark counts the crossings a request made from the
// proxy's own counters (not from timings). The bench puts one wherever its topology puts the
// distance: in front of Neon and Upstash, in front of the Worker, or between two Workers.
import { createServer, type IncomingMessage, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface DelayProxy {
  origin: string;
  /** The distance: what each crossing adds, in ms (changeable between runs). */
  delayMs: number;
  /** When each forwarded request arrived and when its answer was sent back (performance.now()). */
  readonly crossings: { arrived: number; finished: number }[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startDelayProxy(target: string, delayMs: number): Promise<DelayProxy> {
  const to = new URL(target);
  const crossings: DelayProxy["crossings"] = [];
  const proxy: DelayProxy = { origin: "", delayMs, crossings, close: async () => undefined };
  const server = createServer(async (req, res) => {
    const arrived = performance.now();
    const body = await readBody(req);
    await new Promise((r) => setTimeout(r, proxy.delayMs));
    const out = request(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: to.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on("end", () => crossings.push({ arrived, finished: performance.now() }));
      },
    );
    out.on("error", () => {
      res.writeHead(502).end();
      crossings.push({ arrived, finished: performance.now() });
    });
    out.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  proxy.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}
