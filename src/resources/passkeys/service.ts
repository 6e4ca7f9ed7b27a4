import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Clock } from '../../platform/clock.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Db, Queryable } from '../../platform/db/db.js';
import { ConflictError, InvalidArgumentError, NotFoundError, UnauthenticatedError } from '../../platform/errors.js';
import { isUuid, uuidv7 } from '../../platform/ids.js';
import { type KeysetRow, listPage, type Page, type PageParams, timestampKey } from '../../platform/list.js';
import { query, queryOne, queryRow, sql } from '../../platform/sql.js';
import { toRfc3339 } from '../../platform/text.js';
import { issueSession, type NewSession, type SessionOptions } from '../sessions/service.js';
import type { Passkey, PasskeyInput, PasskeySignIn } from './schemas.js';

/** Passkeys a user may hold; one more → 409. */
export const MAX_PASSKEYS = 10;
/** How long a challenge may be answered, ms (also the browser's timeout). */
const CHALLENGE_MS = 5 * 60_000;
/** The name the browser shows for this server when it makes a passkey. */
const RP_NAME = 'customers-api';

/**
 * Who the passkeys belong to, as the browser sees it: the relying party's id (the host
 * name, no port) and the origin its pages come from. From PUBLIC_URL when it is set,
 * else from the request's own address (see http/webauthn.ts).
 */
export interface RelyingParty {
  id: string;
  origin: string;
}

interface PasskeyRow {
  id: string;
  name: string;
  transports: string[];
  created_at: string;
  last_used_at: string | null;
}

function toPasskey(r: PasskeyRow): Passkey {
  return {
    id: r.id,
    name: r.name,
    transports: r.transports,
    created_at: toRfc3339(r.created_at),
    last_used_at: toRfc3339(r.last_used_at),
  };
}

/** The challenge the browser signed, from its client data; null when that is not readable. */
function signedChallenge(clientDataJSON: string): string | null {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as unknown;
    const challenge = (data as { challenge?: unknown } | null)?.challenge;
    return typeof challenge === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(challenge) ? challenge : null;
  } catch {
    return null;
  }
}

/** The transports WebAuthn names (Level 3); anything else a client sends is dropped, not stored. */
const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

function knownTransports(value: unknown): string[] {
  return Array.isArray(value) ? [...new Set(value.filter((t): t is string => TRANSPORTS.has(t)))] : [];
}

/** A user's handle (what an authenticator stores and gives back at sign-in): their id's 16 bytes. */
function userHandle(userId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(userId.replaceAll('-', ''), 'hex'));
}

/** Stores a new challenge, and deletes the expired ones while at it. */
async function saveChallenge(
  db: Db,
  clock: Clock,
  challenge: string,
  purpose: 'register' | 'sign-in',
  userId: string | null,
): Promise<void> {
  const now = clock.sql();
  await query(db, sql`DELETE FROM webauthn_challenges WHERE expires_at < ${now}`);
  await query(
    db,
    sql`INSERT INTO webauthn_challenges (id, challenge, purpose, user_id, created_at, expires_at)
        VALUES (${uuidv7()}, ${challenge}, ${purpose}, ${userId}::uuid, ${now},
                ${now} + make_interval(secs => ${CHALLENGE_MS / 1000}::float8))`,
  );
}

/**
 * Uses up a challenge: true when it was handed out for this purpose (and user), is not
 * expired and was not used before. Its own statement, committed whatever follows: a
 * challenge answered wrongly cannot be answered again.
 */
async function useChallenge(
  db: Db,
  clock: Clock,
  challenge: string,
  purpose: 'register' | 'sign-in',
  userId: string | null,
): Promise<boolean> {
  const row = await queryOne<{ id: string }>(
    db,
    sql`DELETE FROM webauthn_challenges
         WHERE challenge = ${challenge} AND purpose = ${purpose} AND expires_at > ${clock.sql()}
           AND user_id IS NOT DISTINCT FROM ${userId}::uuid
     RETURNING id`,
  );
  return row !== null;
}

/** `POST /passkeys/options`: the options for making a passkey for the caller (a challenge for them alone). */
export async function registrationOptions(db: Db, clock: Clock, userId: string, rp: RelyingParty) {
  const user = await queryRow<{ email: string }>(db, sql`SELECT email FROM users WHERE id = ${userId}`);
  const held = await query<{ credential_id: string; transports: string[] }>(
    db,
    sql`SELECT credential_id, transports FROM passkeys WHERE user_id = ${userId} ORDER BY created_at, id`,
  );
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.email,
    userID: userHandle(userId),
    attestationType: 'none',
    timeout: CHALLENGE_MS,
    excludeCredentials: held.rows.map((r) => ({ id: r.credential_id, transports: r.transports })),
    // A passkey proper: kept by the authenticator (sign-in names no user) and unlocked by the user.
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  await saveChallenge(db, clock, options.challenge, 'register', userId);
  return options;
}

const unverified = (why: string): never => {
  throw new InvalidArgumentError('credential', `could not be verified: ${why}; ask for new options and try again`);
};

/** `POST /passkeys`: keeps the passkey the browser made for the options the caller was given. */
export async function registerPasskey(
  db: Db,
  clock: Clock,
  userId: string,
  rp: RelyingParty,
  input: PasskeyInput,
): Promise<Passkey> {
  const credential = input.credential as unknown as RegistrationResponseJSON;
  const challenge = signedChallenge(credential.response.clientDataJSON);
  if (challenge === null) return unverified('its client data holds no challenge');
  if (!(await useChallenge(db, clock, challenge, 'register', userId))) {
    return unverified('its challenge is unknown, expired or used');
  }
  let info: Awaited<ReturnType<typeof verifyRegistrationResponse>>['registrationInfo'];
  try {
    const result = await verifyRegistrationResponse({
      response: credential,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
    info = result.registrationInfo;
  } catch (err) {
    return unverified((err as Error).message);
  }
  if (!info) return unverified('the authenticator did not confirm it');
  const made = info.credential;
  return await db.transaction(async (tx) => {
    // Serialised per user: two registrations at once cannot both pass the limit.
    await queryRow(tx, sql`SELECT 1 FROM users WHERE id = ${userId} FOR UPDATE`);
    const count = await queryRow<{ n: number }>(
      tx,
      sql`SELECT count(*)::int AS n FROM passkeys WHERE user_id = ${userId}`,
    );
    if (count.n >= MAX_PASSKEYS) {
      throw new ConflictError(`This user already holds ${MAX_PASSKEYS} passkeys; delete one first.`);
    }
    const row = await queryOne<PasskeyRow>(
      tx,
      sql`INSERT INTO passkeys (id, user_id, credential_id, public_key, sign_count, transports, name, created_at)
          VALUES (${uuidv7()}, ${userId}, ${made.id}, ${Buffer.from(made.publicKey).toString('base64url')},
                  ${made.counter}, ${knownTransports(made.transports)}::text[], ${input.name ?? 'Passkey'}, ${clock.sql()})
          ON CONFLICT (credential_id) DO NOTHING
          RETURNING id, name, transports, created_at, last_used_at`,
    );
    if (!row) throw new ConflictError('This passkey is already registered.');
    return toPasskey(row);
  });
}

const PASSKEY_COLUMNS = 't.id, t.name, t.transports, t.created_at, t.last_used_at';

export async function listPasskeys(
  db: Db,
  codec: CursorCodec,
  userId: string,
  params: PageParams,
): Promise<Page<Passkey>> {
  return await listPage<PasskeyRow & KeysetRow, Passkey>(db, codec, params, {
    owner: `user:${userId}`,
    scope: 'passkeys',
    sortBy: 'created_at',
    key: timestampKey('created_at'),
    from: 'passkeys t',
    columns: PASSKEY_COLUMNS,
    where: sql`t.user_id = ${userId}`,
    total: 'count',
    map: toPasskey,
  });
}

/** Deletes one of the caller's passkeys; another user's, or one already gone → 404. */
export async function deletePasskey(db: Db, userId: string, passkeyId: string): Promise<void> {
  if (!isUuid(passkeyId)) throw new NotFoundError('passkey', passkeyId);
  const row = await queryOne(
    db,
    sql`DELETE FROM passkeys WHERE id = ${passkeyId} AND user_id = ${userId} RETURNING id`,
  );
  if (!row) throw new NotFoundError('passkey', passkeyId);
}

/** `POST /sessions/passkey/options`: a challenge for signing in with any passkey of this server. */
export async function signInOptions(db: Db, clock: Clock, rp: RelyingParty) {
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    timeout: CHALLENGE_MS,
    userVerification: 'required',
    allowCredentials: [],
  });
  await saveChallenge(db, clock, options.challenge, 'sign-in', null);
  return options;
}

interface StoredPasskey {
  id: string;
  user_id: string;
  public_key: string;
  sign_count: string;
  transports: string[];
}

/**
 * `POST /sessions/passkey`: a session for the passkey's user, as a sign-in link gives
 * one. Anything wrong — an unknown passkey, a challenge not handed out, expired or used,
 * a signature that does not verify, another site's origin, a counter that went back —
 * → 401, saying nothing of which.
 */
export async function signInWithPasskey(
  db: Db,
  clock: Clock,
  opts: SessionOptions,
  rp: RelyingParty,
  input: PasskeySignIn,
): Promise<NewSession> {
  const credential = input.credential as unknown as AuthenticationResponseJSON;
  const challenge = signedChallenge(credential.response.clientDataJSON);
  if (challenge === null || !(await useChallenge(db, clock, challenge, 'sign-in', null))) {
    throw new UnauthenticatedError();
  }
  const key = await queryOne<StoredPasskey>(
    db,
    sql`SELECT id, user_id, public_key, sign_count::text AS sign_count, transports FROM passkeys
         WHERE credential_id = ${credential.id}`,
  );
  if (!key) throw new UnauthenticatedError();
  const handle = credential.response.userHandle;
  if (handle !== undefined && handle !== Buffer.from(userHandle(key.user_id)).toString('base64url')) {
    throw new UnauthenticatedError();
  }
  let newCounter: number;
  try {
    const result = await verifyAuthenticationResponse({
      response: credential,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: credential.id,
        publicKey: new Uint8Array(Buffer.from(key.public_key, 'base64url')),
        counter: Number(key.sign_count),
        transports: key.transports,
      },
      requireUserVerification: true,
    });
    if (!result.verified) throw new UnauthenticatedError();
    newCounter = result.authenticationInfo.newCounter;
  } catch {
    throw new UnauthenticatedError();
  }
  return await db.transaction(async (tx: Queryable) => {
    // The counter only moves forward: of two sign-ins with one signature, one wins.
    const used = await queryOne(
      tx,
      sql`UPDATE passkeys SET sign_count = ${newCounter}, last_used_at = ${clock.sql()}
           WHERE id = ${key.id} AND (sign_count < ${newCounter}::bigint OR ${newCounter}::bigint = 0)
       RETURNING id`,
    );
    if (!used) throw new UnauthenticatedError();
    return await issueSession(tx, opts, { userId: key.user_id, tokenId: null });
  });
}
