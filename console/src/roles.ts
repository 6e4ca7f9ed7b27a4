import type { Role } from './api.js';

/** What a role may do, as the server decides it (viewer reads, member writes, admin deletes, uploads, manages). */
export type Permission = 'read' | 'write' | 'delete' | 'bulk' | 'manage';
const POWER: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };
const NEEDS: Record<Permission, number> = { read: 0, write: 1, delete: 2, bulk: 2, manage: 2 };

export const may = (role: Role, permission: Permission): boolean => POWER[role] >= NEEDS[permission];

/** The roles this role may grant (only an owner grants owner). */
export const grantable = (role: Role): Role[] =>
  role === 'owner' ? ['owner', 'admin', 'member', 'viewer'] : ['admin', 'member', 'viewer'];
