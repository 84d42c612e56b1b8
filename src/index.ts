import app from "./app";
import type { Bindings } from "./env";
import { scheduled } from "./scheduled";

export type { AppType } from "./app";

export default {
  fetch: app.fetch,
  scheduled,
} satisfies ExportedHandler<Bindings>;
