import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface UnavailableServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * An HTTP server that answers every request `503 Service Unavailable`: an outage of Neon or
 * Upstash as the drivers see it. Tests point a binding here rather than at a closed port,
 * because workerd in `--verbose` logs every refused connection with a stack trace (thousands of
 * lines per run) even when the Worker handles the error; vitest.config.ts now runs it without.
 */
export async function startUnavailableServer(): Promise<UnavailableServer> {
  const server = createServer((req, res) => {
    req.resume();
    req.once("end", () => {
      res.writeHead(503, { "Content-Type": "application/json", Connection: "close" });
      res.end(JSON.stringify({ error: "service unavailable (test stack)", message: "service unavailable" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
