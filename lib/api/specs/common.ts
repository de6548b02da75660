import { z } from "zod";

/** Zod pieces several route contracts share. Not a route module: lib/api/specs/index.ts does not list it. */

/** A time in a DTO: the ISO 8601 string of `Date.toISOString()`. */
export const IsoDate = z.string();

/** A time as a query parameter (`from`, `to`): an ISO 8601 date-time, surrounding spaces ignored. */
export const DateTimeParam = z
  .string()
  .trim()
  .refine((v) => !Number.isNaN(Date.parse(v)), { message: "must be an ISO 8601 date-time" });
