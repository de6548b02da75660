"use client";

import type { FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { CardSection } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { UserDtoSchema, type UserDto } from "@/lib/api/specs/auth";
import { sendJson } from "@/lib/queries/send-json";
import { CreateFormCard, Field, formatTime, Select, TextInput, useAction } from "../_components/form";

export function UsersPanel({ users, roles, meId }: { users: UserDto[]; roles: { role: string; description: string }[]; meId: string | null }) {
  const action = useAction();
  const { run, submit, pending } = action;

  const create = (e: FormEvent<HTMLFormElement>) =>
    submit(e, (f) =>
      sendJson(
        "POST",
        "/api/users",
        { username: String(f.get("username") ?? ""), password: String(f.get("password") ?? ""), role: String(f.get("role")), displayName: String(f.get("displayName") ?? "") || undefined },
        UserDtoSchema,
      ),
    );

  const roleOptions = roles.map((r) => (
    <option key={r.role} value={r.role}>
      {r.role}
    </option>
  ));
  const patch = (id: string, body: Record<string, unknown>) => run(() => sendJson("PATCH", `/api/users/${encodeURIComponent(id)}`, body, UserDtoSchema));

  return (
    <div className="flex flex-col gap-6">
      <CreateFormCard id="new-user" title="New user" description="Passwords need at least 10 characters. Tell the person their password through a safe channel."
        submitLabel="Create user" onSubmit={create} action={action}
        after={
          <dl className="grid gap-1 text-xs text-muted sm:grid-cols-[auto_1fr] sm:gap-x-3">
            {roles.map((r) => (
              <div key={r.role} className="contents">
                <dt className="font-medium text-fg">{r.role}</dt>
                <dd>{r.description}</dd>
              </div>
            ))}
          </dl>
        }
      >
        <Field label="Username">
          <TextInput name="username" required minLength={2} maxLength={64} autoComplete="off" />
        </Field>
        <Field label="Display name (optional)">
          <TextInput name="displayName" maxLength={255} />
        </Field>
        <Field label="Password">
          <TextInput name="password" type="password" required minLength={10} maxLength={1024} autoComplete="new-password" />
        </Field>
        <Field label="Role">
          <Select name="role" defaultValue="viewer">
            {roleOptions}
          </Select>
        </Field>
      </CreateFormCard>

      <CardSection id="user-list" title="Users" description="Changing a role, disabling an account or setting its password signs it out everywhere.">
        {users.length === 0 ? (
          <EmptyState title="No user accounts yet" headingLevel={3} size="sm">
            <p>Add one with the form above, or on the server: <code>npx sweepwatch user create --role admin --username you</code>.</p>
          </EmptyState>
        ) : (
          <DataTable columns={["User", "Role", "Last sign-in", "State", ""]}>
            {users.map((u) => (
              <tr key={u.id} className="border-t border-line">
                <td className="px-4 py-2 text-fg">
                  {u.username}
                  {u.displayName ? <span className="text-muted"> · {u.displayName}</span> : null}
                  {u.id === meId ? <span className="text-muted"> (you)</span> : null}
                </td>
                <td className="px-4 py-2">
                  <Select aria-label={`Role of ${u.username}`} value={u.role} disabled={pending} onChange={(e) => void patch(u.id, { role: e.target.value })}>
                    {roleOptions}
                  </Select>
                </td>
                <td className="px-4 py-2 text-muted">{formatTime(u.lastLoginAt)}</td>
                <td className="px-4 py-2">{u.disabled ? <Badge tone="neutral">disabled</Badge> : <Badge tone="success">active</Badge>}</td>
                <td className="flex justify-end gap-2 px-4 py-2">
                  <Button
                    size="sm"
                    disabled={pending}
                    onClick={() => {
                      const pw = window.prompt(`New password for ${u.username} (at least 10 characters):`);
                      if (pw) void patch(u.id, { password: pw });
                    }}
                  >
                    Set password
                  </Button>
                  <Button size="sm" variant={u.disabled ? "secondary" : "danger"} disabled={pending} onClick={() => void patch(u.id, { disabled: !u.disabled })}>
                    {u.disabled ? "Enable" : "Disable"}
                  </Button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </CardSection>
    </div>
  );
}
