import type { Metadata } from "next";
import { headers } from "next/headers";
import { Card, CardBody } from "@/components/ui/card";
import { loadEnv } from "@/lib/env";
import { isLocalRequest, safeNextPath } from "@/lib/auth/request";
import { getCurrentPrincipal } from "@/lib/auth/require-user";
import { isRole } from "@/lib/domain/roles";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const next = safeNextPath(first(sp.next));
  const need = (first(sp.need) ?? "").split(",").filter(isRole);
  const forbidden = first(sp.reason) === "forbidden";
  const { mode } = loadEnv();
  const local = isLocalRequest({ headers: await headers() });
  const principal = await getCurrentPrincipal();

  return (
    <div className="mx-auto mt-8 max-w-sm">
      <h1 className="mb-1 text-xl font-semibold tracking-tight text-fg">Sign in to sweepwatch</h1>
      <p className="mb-6 text-sm text-muted">Use the account an admin created for you.</p>
      {forbidden && principal.role ? (
        <p role="alert" className="mb-4 rounded-md border border-amber-400/40 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-400/10 dark:text-amber-200">
          You are signed in as <strong>{principal.name}</strong> ({principal.role}); that page needs {need.length > 1 ? "one of the roles" : "the"}{" "}
          <strong>{need.length ? need.join(", ") : "admin"}</strong>
          {need.length > 1 ? "" : " role"}. Sign in with another account, or ask an admin.
        </p>
      ) : null}
      {mode === "demo" && local ? (
        <p className="mb-4 rounded-md border border-line bg-subtle px-3 py-2 text-sm text-muted">
          Demo mode: on this machine (localhost) you are signed in automatically as a demo admin, so you do not need to sign in.{" "}
          <a className="font-medium text-accent underline-offset-2 hover:underline" href={next}>
            Continue without signing in
          </a>
        </p>
      ) : null}
      <Card>
        <CardBody>
          <LoginForm next={next} />
        </CardBody>
      </Card>
      <p className="mt-4 text-xs text-muted">
        No account yet? On the server run <code className="font-mono">npx sweepwatch user create --role admin --username &lt;name&gt;</code>.
      </p>
    </div>
  );
}
