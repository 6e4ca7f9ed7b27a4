/**
 * The statements S1 (a customer's first page of contacts, limit=50, the authentication cache
 * warm) issued before the page's JSON moved into PostgreSQL, as the server sent them: B1 and
 * P1 run these, whatever the server issues now, so their rates stay a fixed yardstick.
 */
export interface Statement {
  text: string;
  values: readonly unknown[];
}

export function s1Statements(businessId: string, customerId: string): Statement[] {
  return [
    {
      text: `SELECT c.version::text AS version, s.value AS epoch
          FROM change_counters c, settings s
         WHERE c.business_id = $1 AND s.key = 'change_epoch'`,
      values: [businessId],
    },
    {
      text: `SELECT c.contact_count AS _total, p.*
           FROM customers c
           LEFT JOIN LATERAL ((SELECT 0 AS _tag, 0 AS _seg, t.created_at::text AS _cursor, t.created_at AS _key, t.id, t.customer_id, t.name, t.email, t.phone, t.role, t.is_primary, t.notes, t.created_at, t.updated_at FROM contacts t WHERE t.business_id = $1 AND t.customer_id = $2 ORDER BY t.created_at DESC, t.id DESC LIMIT $3)) p ON true
          WHERE c.business_id = $1 AND c.id = $2
          ORDER BY p._tag, p._seg ASC, p._key DESC, p.id DESC`,
      values: [businessId, customerId, 51],
    },
  ];
}
