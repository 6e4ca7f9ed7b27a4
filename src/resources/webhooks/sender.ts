/**
 * One webhook request: Standard Webhooks headers and signature, sent to the
 * checked address itself (no second lookup), no redirects followed, a hard
 * deadline, and the response body read and dropped (at most 64 KiB).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { Target } from './address.js';

/** A new signing secret: `whsec_` and 24 random bytes in base64 (the Standard Webhooks form). */
export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * `v1,<signature>` for each secret (the current one, then the previous one while
 * a rotation lasts), space-separated: Standard Webhooks' own signing.
 */
function signature(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  const at = new Date(timestamp * 1000);
  return secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(' ');
}

/** The Standard Webhooks headers of one message, signed at `timestamp` (epoch seconds). */
export function webhookHeaders(
  message: { id: string; body: string; secrets: readonly string[] },
  timestamp: number,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'customers-api-webhooks',
    'webhook-id': message.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature(message.secrets, message.id, timestamp, message.body),
    'content-length': String(Buffer.byteLength(message.body)),
  };
}

export interface SendResult {
  status: number | null;
  error: string | null;
  durationMs: number;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/** Sends a signed message (its body and webhookHeaders) to the checked target. */
export async function send(
  target: Target,
  message: { body: string; headers: Record<string, string> },
  timeoutMs: number,
): Promise<SendResult> {
  const started = performance.now();
  const headers = message.headers;
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const mod = target.url.protocol === 'https:' ? https : http;
  return await new Promise<SendResult>((resolve) => {
    let settled = false;
    const done = (status: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status, error, durationMs: Math.round(performance.now() - started) });
    };
    const req = mod.request(target.url, { method: 'POST', headers, lookup: pinned, agent: false }, (res) => {
      let seen = 0;
      res.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > MAX_RESPONSE_BYTES) res.destroy();
      });
      const status = res.statusCode ?? null;
      res.on('end', () => done(status, null));
      res.on('close', () => done(status, null));
      res.on('error', () => done(status, null));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done(null, `no response within ${timeoutMs / 1000} s`);
    }, timeoutMs);
    req.on('error', (err) => done(null, err.message || String(err)));
    req.end(message.body);
  });
}
