/** Roles of a membership, weakest last. */
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a route needs of the caller's role: viewer reads, member writes, admin
 * deletes, bulk-uploads and manages members (only an owner touches the owner role).
 */
export type Permission = 'read' | 'write' | 'delete' | 'bulk' | 'manage';
export const PERMISSIONS: readonly Permission[] = ['read', 'write', 'delete', 'bulk', 'manage'];
const POWER: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };
const NEEDS: Record<Permission, number> = { read: 0, write: 1, delete: 2, bulk: 2, manage: 2 };

export function allows(role: Role, permission: Permission): boolean {
  return POWER[role] >= NEEDS[permission];
}
