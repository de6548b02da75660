import { getPrisma, Prisma } from "@/lib/db";
import type { Role } from "@/lib/http/spec";
import type { UserDto } from "@/lib/api/specs/auth";
import { hashPassword, LOCKED_PASSWORD_HASH } from "@/lib/auth/password";
import type { Principal } from "@/lib/auth/principal";
import { recordAudit } from "@/lib/data/audit";

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
  actor: Principal,
): Promise<UserDto> {
  const username = normaliseUsername(input.username);
  const passwordHash = input.password === null ? LOCKED_PASSWORD_HASH : await hashPassword(input.password);
  try {
    return await getPrisma().$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { username, passwordHash, role: input.role, displayName: input.displayName ?? null },
        select: USER_SELECT,
      });
      await recordAudit({ actor, action: "user.create", targetType: "user", targetId: user.id, detail: { username, role: input.role } }, tx);
      return toUserDto(user);
    });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw new UserExistsError(username);
    throw e;
  }
}

/** The row the login check needs (with the hash); never returned to clients. */
export async function findUserForLogin(username: string) {
  return getPrisma().user.findUnique({
    where: { username: normaliseUsername(username) },
    select: { ...USER_SELECT, passwordHash: true },
  });
}

export async function getUserByUsername(username: string): Promise<UserDto | null> {
  const u = await getPrisma().user.findUnique({ where: { username: normaliseUsername(username) }, select: USER_SELECT });
  return u ? toUserDto(u) : null;
}

export async function listUsers(): Promise<UserDto[]> {
  const rows = await getPrisma().user.findMany({ orderBy: { username: "asc" }, select: USER_SELECT, take: 1000 });
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
  id: string,
  patch: { role?: Role; displayName?: string | null; disabled?: boolean; password?: string },
  actor: Principal,
): Promise<UserDto | null> {
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
  return getPrisma().$transaction(
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
      if (patch.disabled !== undefined) data.disabledAt = patch.disabled ? (before.disabledAt ?? new Date()) : null;
      if (passwordHash !== undefined) data.passwordHash = passwordHash;
      const user = await tx.user.update({ where: { id }, data, select: USER_SELECT });
      const endsSessions = patch.disabled === true || passwordHash !== undefined || (patch.role !== undefined && patch.role !== before.role);
      if (endsSessions) await tx.session.deleteMany({ where: { userId: id } });
      const detail: Record<string, unknown> = {};
      if (patch.role !== undefined && patch.role !== before.role) detail.role = { from: before.role, to: patch.role };
      if (patch.disabled !== undefined) detail.disabled = patch.disabled;
      if (patch.displayName !== undefined) detail.displayName = patch.displayName;
      if (passwordHash !== undefined) detail.passwordChanged = true;
      await recordAudit({ actor, action: "user.update", targetType: "user", targetId: id, detail }, tx);
      return toUserDto(user);
    },
  );
}

export async function recordLogin(userId: string, at: Date): Promise<void> {
  await getPrisma().user.update({ where: { id: userId }, data: { lastLoginAt: at } });
}
