import type { Prisma } from "@/lib/db";
import type { Role } from "@/lib/http/spec";
import type { UserDto } from "@/lib/api/specs/auth";
import { hashPassword, LOCKED_PASSWORD_HASH } from "@/lib/auth/password";
import { recordAudit } from "@/lib/data/audit";
import type { Ctx } from "@/lib/ctx";

const USER_SELECT = {
  id: true,
  username: true,
  displayName: true,
  role: true,
  disabledAt: true,
  lastLoginAt: true,
  createdAt: true,
} satisfies Prisma.UserSelect;

type UserRow = Prisma.UserGetPayload<{ select: typeof USER_SELECT }>;

export function toUserDto(u: UserRow): UserDto {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    disabled: u.disabledAt !== null,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}

export class UserExistsError extends Error {
  constructor(username: string) {
    super(`A user named "${username}" already exists.`);
    this.name = "UserExistsError";
  }
}

export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

export async function createUser(
  input: { username: string; password: string | null; role: Role; displayName?: string | null },
  ctx: Ctx<unknown>,
): Promise<UserDto> {
  const username = normaliseUsername(input.username);
  const passwordHash = input.password === null ? LOCKED_PASSWORD_HASH : await hashPassword(input.password);
  try {
    return await ctx.db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { username, passwordHash, role: input.role, displayName: input.displayName ?? null },
        select: USER_SELECT,
      });
      await recordAudit({ action: "user.create", targetType: "user", targetId: user.id, detail: { username, role: input.role } }, ctx, tx);
      return toUserDto(user);
    });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw new UserExistsError(username);
    throw e;
  }
}

/** The row the login check needs (with the hash); never returned to clients. */
export async function findUserForLogin(input: { username: string }, ctx: Ctx<unknown>) {
  return ctx.db.user.findUnique({
    where: { username: normaliseUsername(input.username) },
    select: { ...USER_SELECT, passwordHash: true },
  });
}

export async function getUserByUsername(input: { username: string }, ctx: Ctx<unknown>): Promise<UserDto | null> {
  const u = await ctx.db.user.findUnique({ where: { username: normaliseUsername(input.username) }, select: USER_SELECT });
  return u ? toUserDto(u) : null;
}

export async function listUsers(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<UserDto[]> {
  const rows = await ctx.db.user.findMany({ orderBy: { username: "asc" }, select: USER_SELECT, take: 1000 });
  return rows.map(toUserDto);
}

export class LastAdminError extends Error {
  constructor() {
    super("This would leave no active admin. Make another user admin first.");
    this.name = "LastAdminError";
  }
}

/**
 * Changes role, display name, disabled flag or password. Disabling a user or changing
 * their password or role ends their sessions. Refuses to remove the last active admin.
 */
export async function updateUser(
  input: { id: string; patch: { role?: Role; displayName?: string | null; disabled?: boolean; password?: string } },
  ctx: Ctx<unknown>,
): Promise<UserDto | null> {
  const { id, patch } = input;
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
  return ctx.db.$transaction(
    async (tx) => {
      const before = await tx.user.findUnique({ where: { id }, select: USER_SELECT });
      if (!before) return null;
      const losesAdmin =
        before.role === "admin" && before.disabledAt === null && ((patch.role !== undefined && patch.role !== "admin") || patch.disabled === true);
      if (losesAdmin) {
        // Lock admin rows so two concurrent demotions cannot both pass the check.
        await tx.$queryRaw`SELECT id FROM users WHERE role = 'admin' AND "disabledAt" IS NULL FOR UPDATE`;
        const admins = await tx.user.count({ where: { role: "admin", disabledAt: null } });
        if (admins <= 1) throw new LastAdminError();
      }
      const data: Prisma.UserUpdateInput = {};
      if (patch.role !== undefined) data.role = patch.role;
      if (patch.displayName !== undefined) data.displayName = patch.displayName;
      if (patch.disabled !== undefined) data.disabledAt = patch.disabled ? (before.disabledAt ?? ctx.now()) : null;
      if (passwordHash !== undefined) data.passwordHash = passwordHash;
      const user = await tx.user.update({ where: { id }, data, select: USER_SELECT });
      const endsSessions = patch.disabled === true || passwordHash !== undefined || (patch.role !== undefined && patch.role !== before.role);
      if (endsSessions) await tx.session.deleteMany({ where: { userId: id } });
      const detail: Record<string, unknown> = {};
      if (patch.role !== undefined && patch.role !== before.role) detail.role = { from: before.role, to: patch.role };
      if (patch.disabled !== undefined) detail.disabled = patch.disabled;
      if (patch.displayName !== undefined) detail.displayName = patch.displayName;
      if (passwordHash !== undefined) detail.passwordChanged = true;
      await recordAudit({ action: "user.update", targetType: "user", targetId: id, detail }, ctx, tx);
      return toUserDto(user);
    },
  );
}

export async function recordLogin(input: { userId: string }, ctx: Ctx<unknown>): Promise<void> {
  await ctx.db.user.update({ where: { id: input.userId }, data: { lastLoginAt: ctx.now() } });
}
