import { z } from "@hono/zod-openapi";

const figures = {
  orders: z.number().int().openapi({ example: 4 }),
  units: z.number().int().openapi({ example: 40 }),
  revenue: z.number().openapi({ example: 4000 }),
  cost: z.number().openapi({ example: 2000 }),
  profit: z.number().openapi({ example: 2000 }),
};

export const ReportSchema = z
  .object({
    generated_at: z.iso.datetime(),
    range: z.object({ from: z.iso.date().nullable(), to: z.iso.date().nullable() }),
    totals: z.object({ ...figures, order_lines: z.number().int().openapi({ example: 30 }) }),
    products: z.array(
      z
        .object({
          product_id: z.number().int().openapi({ example: 1 }),
          product_name: z.string().openapi({ example: "Desk" }),
          ...figures,
        })
        .openapi("ReportProduct"),
    ),
  })
  .openapi("Report");

const date = z.iso.date({ error: "must be a date (YYYY-MM-DD)" });

export const ReportQuerySchema = z
  .object({
    // No examples or `default`s: Swagger UI's "Try it out" would fill them in (see lib/paging.ts).
    from: date.optional().openapi({ description: "First day, inclusive (UTC), e.g. 2026-01-01" }),
    to: date.optional().openapi({ description: "Last day, inclusive (UTC), e.g. 2026-12-31" }),
    limit: z.coerce
      .number({ error: "must be an integer from 1 to 1000" })
      .int("must be an integer from 1 to 1000")
      .min(1, "must be an integer from 1 to 1000")
      .max(1000, "must be an integer from 1 to 1000")
      .optional()
      .transform((limit) => limit ?? 100)
      .openapi({ description: "How many products, highest revenue first (default 100, at most 1000)" }),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ["to"], message: "must not be before from" });

export type Report = z.infer<typeof ReportSchema>;
export type ReportQuery = z.infer<typeof ReportQuerySchema>;
