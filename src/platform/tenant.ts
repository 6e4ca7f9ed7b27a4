/** Who is acting, derived from the verified membership — never from request input. */
export interface TenantContext {
  businessId: string;
  /** Optional `x-user-email`, stored as created_by / updated_by for audit. */
  actorEmail: string | null;
}
