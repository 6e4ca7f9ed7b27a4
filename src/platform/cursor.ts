import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from './ids.js';

/** A position in an ordered list: the boundary row's sort value (as text) and id. */
export interface Position {
  value: string | null;
  id: string;
  /** The position includes the boundary row itself (used when a page came back empty). */
  inclusive: boolean;
}

/**
 * What a cursor is bound to. `owner` is whose list it is (a business, or a
 * user for lists of a user's own); `scope` names the list (parent resource, filters).
 */
export interface CursorBinding {
  owner: string;
  scope: string;
  sortBy: string;
  descending: boolean;
}

export type CursorProblem = 'malformed' | 'sort_mismatch';

interface Payload {
  s: string;
  d: 0 | 1;
  v: string | null;
  i: string;
  x?: 1;
}

const MAC_BYTES = 16;

function mac(secret: string, binding: CursorBinding, body: string): Buffer {
  return createHmac('sha256', secret)
    .update(`${binding.owner}\n${binding.scope}\n${body}`)
    .digest()
    .subarray(0, MAC_BYTES);
}

/**
 * Opaque, signed cursors. The payload (sort, direction of sort, boundary value
 * and id) is visible base64url JSON; the HMAC also covers the business and the
 * list's scope, so a cursor replayed against another business, customer or
 * filter fails verification.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode(binding: CursorBinding, pos: Position): string {
    const payload: Payload = { s: binding.sortBy, d: binding.descending ? 1 : 0, v: pos.value, i: pos.id };
    if (pos.inclusive) payload.x = 1;
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${mac(this.secret, binding, body).toString('base64url')}`;
  }

  decode(binding: CursorBinding, cursor: string): Position | CursorProblem {
    if (cursor.length > 4096) return 'malformed';
    const dot = cursor.indexOf('.');
    if (dot <= 0) return 'malformed';
    const body = cursor.slice(0, dot);
    const sig = Buffer.from(cursor.slice(dot + 1), 'base64url');
    let payload: Payload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
    } catch {
      return 'malformed';
    }
    if (
      typeof payload !== 'object' ||
      payload === null ||
      typeof payload.s !== 'string' ||
      (payload.d !== 0 && payload.d !== 1) ||
      !(payload.v === null || typeof payload.v === 'string') ||
      !isUuid(payload.i) ||
      !(payload.x === undefined || payload.x === 1)
    ) {
      return 'malformed';
    }
    const expected = mac(this.secret, binding, body);
    if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return 'malformed';
    // Only a genuine cursor gets the more helpful answer.
    if (payload.s !== binding.sortBy || payload.d !== (binding.descending ? 1 : 0)) return 'sort_mismatch';
    return { value: payload.v, id: payload.i, inclusive: payload.x === 1 };
  }
}
