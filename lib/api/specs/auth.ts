import { z } from "zod";
import { defineRoute } from "@/lib/http/spec";
import { ROLES } from "@/lib/domain/roles";

export const RoleSchema = z.enum(ROLES);

const Username = z
  .string()
  .trim()
  .min(2, "must be at least 2 characters")
  .max(64, "must be at most 64 characters")
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._@-]*$/, "may contain letters, digits and . _ @ - (starting with a letter or digit)");
const NewPassword = z.string().min(10, "must be at least 10 characters").max(1024, "must be at most 1024 characters");
const Name = z.string().trim().min(1, "must not be empty").max(255, "must be at most 255 characters");
const Id = z.string().min(1).max(128);

// ───────────── DTOs ─────────────

export const UserDtoSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: RoleSchema,
  disabled: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
export type UserDto = z.infer<typeof UserDtoSchema>;

export const MeDtoSchema = z.object({
  principal: z
    .object({
      kind: z.enum(["user", "token"]),
      id: z.string().nullable(),
      name: z.string(),
      role: RoleSchema,
      via: z.enum(["session", "bearer", "demo"]),
    })
    .nullable(),
  mode: z.enum(["demo", "live"]),
});
export type MeDto = z.infer<typeof MeDtoSchema>;

export const ApiTokenDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  prefix: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiTokenDto = z.infer<typeof ApiTokenDtoSchema>;

export const IngestTokenDtoSchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  name: z.string().nullable(),
  prefix: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type IngestTokenDto = z.infer<typeof IngestTokenDtoSchema>;

export const RunpodKeyDtoSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** Masked, e.g. `rp_…abcd`. The key itself never leaves the server. */
  masked: z.string(),
  active: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type RunpodKeyDto = z.infer<typeof RunpodKeyDtoSchema>;

export const RunpodKeyStatusDtoSchema = z.object({
  /** Where the poller's key comes from: the environment wins over a stored key. */
  source: z.enum(["env", "stored", "none"]),
  envMasked: z.string().nullable(),
  keys: z.array(RunpodKeyDtoSchema),
  canStore: z.boolean(),
  canStoreReason: z.string().nullable(),
});
export type RunpodKeyStatusDto = z.infer<typeof RunpodKeyStatusDtoSchema>;

export const AuditEntryDtoSchema = z.object({
  id: z.string(),
  at: z.string(),
  actorKind: z.enum(["user", "token", "system", "cli"]),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
});
export type AuditEntryDto = z.infer<typeof AuditEntryDtoSchema>;

export const AuditPageDtoSchema = z.object({ entries: z.array(AuditEntryDtoSchema), nextCursor: z.string().nullable() });
export type AuditPageDto = z.infer<typeof AuditPageDtoSchema>;

// ───────────── inputs ─────────────

export const LoginBodySchema = z.object({
  username: z.string().trim().min(1, "is required").max(128),
  password: z.string().min(1, "is required").max(1024),
});

export const CreateApiTokenBodySchema = z.object({
  name: Name,
  role: RoleSchema,
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export const CreatedApiTokenDtoSchema = z.object({
  token: ApiTokenDtoSchema,
  /** The secret itself: shown once, never stored. */
  secret: z.string(),
});

export const CreateUserBodySchema = z.object({
  username: Username,
  password: NewPassword,
  role: RoleSchema,
  displayName: z.string().trim().max(255).optional(),
});
export const UpdateUserBodySchema = z
  .object({
    role: RoleSchema.optional(),
    displayName: z.string().trim().max(255).nullable().optional(),
    disabled: z.boolean().optional(),
    password: NewPassword.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "nothing to change" });

export const AddRunpodKeyBodySchema = z.object({
  label: Name,
  apiKey: z
    .string()
    .trim()
    .min(16, "does not look like a RunPod API key (too short)")
    .max(512, "is too long")
    .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces"),
});

export const CreateIngestTokenBodySchema = z.object({ endpointId: Id, name: Name.optional() });
export const CreatedIngestTokenDtoSchema = z.object({ token: IngestTokenDtoSchema, secret: z.string() });

export const AuditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().regex(/^\d{1,19}$/, "must be an entry id").optional(),
  action: z.string().max(128).optional(),
  actor: z.string().max(255).optional(),
  targetType: z.string().max(64).optional(),
  targetId: z.string().max(128).optional(),
});

const OkSchema = z.object({ ok: z.literal(true) });

// ───────────── routes ─────────────

export const loginRoute = defineRoute({
  method: "POST",
  path: "/api/auth/login",
  summary: "Sign in with username and password; sets the session cookie (HttpOnly, SameSite=Lax) and the CSRF cookie. 429 after repeated failures.",
  tag: "auth",
  access: "public",
  body: LoginBodySchema,
  response: MeDtoSchema,
  maxBodyBytes: 8 * 1024,
  errors: [401, 429],
});

export const logoutRoute = defineRoute({
  method: "POST",
  path: "/api/auth/logout",
  summary: "Ends the current session and clears its cookies.",
  tag: "auth",
  access: "public",
  response: OkSchema,
  maxBodyBytes: 1024,
});

export const meRoute = defineRoute({
  method: "GET",
  path: "/api/auth/me",
  summary: "Who is calling (null when nobody) and the mode.",
  tag: "auth",
  access: "public",
  response: MeDtoSchema,
});

export const listTokensRoute = defineRoute({
  method: "GET",
  path: "/api/tokens",
  summary: "API tokens: your own; admins see every token.",
  tag: "auth",
  access: "viewer",
  response: z.object({ tokens: z.array(ApiTokenDtoSchema) }),
});

export const createTokenRoute = defineRoute({
  method: "POST",
  path: "/api/tokens",
  summary: "Creates an API token (Authorization: Bearer swt_…) with a role no higher than yours. The secret is in this answer only. Needs a signed-in user, not a token.",
  tag: "auth",
  access: "viewer",
  body: CreateApiTokenBodySchema,
  response: CreatedApiTokenDtoSchema,
  successStatus: 201,
  maxBodyBytes: 8 * 1024,
});

export const revokeTokenRoute = defineRoute({
  method: "DELETE",
  path: "/api/tokens/{id}",
  summary: "Revokes an API token (your own; admins any).",
  tag: "auth",
  access: "viewer",
  response: ApiTokenDtoSchema,
  errors: [404],
});

export const listUsersRoute = defineRoute({
  method: "GET",
  path: "/api/users",
  summary: "Every user account.",
  tag: "auth",
  access: "admin",
  response: z.object({ users: z.array(UserDtoSchema) }),
});

export const createUserRoute = defineRoute({
  method: "POST",
  path: "/api/users",
  summary: "Creates a user with a role.",
  tag: "auth",
  access: "admin",
  body: CreateUserBodySchema,
  response: UserDtoSchema,
  successStatus: 201,
  maxBodyBytes: 8 * 1024,
  errors: [409],
});

export const updateUserRoute = defineRoute({
  method: "PATCH",
  path: "/api/users/{id}",
  summary: "Changes a user's role, display name, password or disabled flag (ends their sessions). Refuses to remove the last admin.",
  tag: "auth",
  access: "admin",
  body: UpdateUserBodySchema,
  response: UserDtoSchema,
  maxBodyBytes: 8 * 1024,
  errors: [404, 409],
});

export const runpodKeysRoute = defineRoute({
  method: "GET",
  path: "/api/admin/runpod-keys",
  summary: "Where the RunPod API key comes from and the stored keys, masked (rp_…abcd).",
  tag: "admin",
  access: "admin",
  response: RunpodKeyStatusDtoSchema,
});

export const addRunpodKeyRoute = defineRoute({
  method: "POST",
  path: "/api/admin/runpod-keys",
  summary: "Stores a RunPod API key encrypted (AES-256-GCM); it replaces the previous stored key. The answer shows it masked.",
  tag: "admin",
  access: "admin",
  body: AddRunpodKeyBodySchema,
  response: RunpodKeyDtoSchema,
  successStatus: 201,
  maxBodyBytes: 8 * 1024,
  errors: [409],
});

export const revokeRunpodKeyRoute = defineRoute({
  method: "DELETE",
  path: "/api/admin/runpod-keys/{id}",
  summary: "Revokes a stored RunPod API key (its ciphertext is erased).",
  tag: "admin",
  access: "admin",
  response: RunpodKeyDtoSchema,
  errors: [404],
});

export const listIngestTokensRoute = defineRoute({
  method: "GET",
  path: "/api/admin/ingest-tokens",
  summary: "Ingest tokens (per endpoint) for POST /api/ingest/logs.",
  tag: "admin",
  access: "admin",
  query: z.object({ endpointId: Id.optional() }),
  response: z.object({ tokens: z.array(IngestTokenDtoSchema) }),
});

export const createIngestTokenRoute = defineRoute({
  method: "POST",
  path: "/api/admin/ingest-tokens",
  summary: "Creates an ingest token (swi_…) for one endpoint; the secret is in this answer only.",
  tag: "admin",
  access: "admin",
  body: CreateIngestTokenBodySchema,
  response: CreatedIngestTokenDtoSchema,
  successStatus: 201,
  maxBodyBytes: 8 * 1024,
  errors: [404],
});

export const revokeIngestTokenRoute = defineRoute({
  method: "DELETE",
  path: "/api/admin/ingest-tokens/{id}",
  summary: "Revokes an ingest token.",
  tag: "admin",
  access: "admin",
  response: IngestTokenDtoSchema,
  errors: [404],
});

export const auditRoute = defineRoute({
  method: "GET",
  path: "/api/admin/audit",
  summary: "The audit log, newest first, paginated by `before` (the previous page's nextCursor); at most 200 per page.",
  tag: "admin",
  access: "admin",
  query: AuditQuerySchema,
  response: AuditPageDtoSchema,
});
