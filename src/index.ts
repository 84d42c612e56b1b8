import app from "./app";

export type AppType = typeof app;
export default app;
