import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, AppOpenAPI } from "../app-env";
import { validationError } from "../problems/handler";

/** Every router shares the bindings type and turns validation failures into one 422 shape. */
export function createRouter(): AppOpenAPI {
  return new OpenAPIHono<AppEnv>({
    strict: false,
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
}
