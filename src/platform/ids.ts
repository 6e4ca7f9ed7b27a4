import { randomUUID } from 'node:crypto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

let lastMs = 0;
let seq = 0;

/**
 * RFC 9562 UUIDv7: 48-bit Unix milliseconds, then random bits. Within one
 * millisecond a 12-bit counter (rand_a) keeps ids from this process increasing,
 * so ids created in one batch sort in creation order. The random part comes
 * from randomUUID(), which draws from a buffered pool (one syscall per many ids).
 */
export function uuidv7(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    seq++;
    if (seq > 0xfff) {
      // Counter exhausted within this millisecond: borrow the next one.
      lastMs++;
      seq = 0;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    seq = 0;
  }
  const time = ms.toString(16).padStart(12, '0');
  // randomUUID() is v4: its variant nibble (position 19) is already 8..b, as v7 needs.
  const r = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${seq.toString(16).padStart(3, '0')}-${r.slice(19)}`;
}
