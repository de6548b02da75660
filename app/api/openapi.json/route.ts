import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/http/handler";
import { buildOpenApiDocument } from "@/lib/http/openapi";
import { allRouteSpecs } from "@/lib/api/specs";
import { openApiRoute } from "@/lib/api/specs/system";
import pkg from "@/package.json";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(openApiRoute, async () =>
  NextResponse.json(buildOpenApiDocument(allRouteSpecs, { version: pkg.version })),
);
