import Type, { type TString, type TStringOptions } from 'typebox';

/**
 * A response field that carries a secret (a token, a signing secret, a link that signs
 * someone in): `x-secret: true` on its schema. A POST route whose 2xx answer holds one
 * must refuse `Idempotency-Key` (contract §5.1: a replay would have to store the secret),
 * and start-up fails when it does not (see http/route-table.ts).
 */
const SECRET_KEYWORD = 'x-secret';

/** A string field that carries a secret (see SECRET_KEYWORD). */
export function Secret(opts: TStringOptions = {}): TString {
  return Type.String({ ...opts, [SECRET_KEYWORD]: true });
}

/** Whether a schema holds a field marked secret anywhere inside it (properties, items, unions). */
function carriesSecret(schema: unknown, seen = new Set<unknown>()): boolean {
  if (typeof schema !== 'object' || schema === null || seen.has(schema)) return false;
  seen.add(schema);
  if ((schema as Record<string, unknown>)[SECRET_KEYWORD] === true) return true;
  const values = Array.isArray(schema) ? schema : Object.values(schema);
  return values.some((v) => carriesSecret(v, seen));
}

/** Whether any 2xx answer of a route's `response` schemas carries a secret. */
export function answersWithSecret(response: unknown): boolean {
  if (typeof response !== 'object' || response === null) return false;
  return Object.entries(response).some(([status, schema]) => /^2(\d\d|xx)$/i.test(status) && carriesSecret(schema));
}
