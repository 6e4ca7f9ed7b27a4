import { changeState } from './platform/changes.js';
import type { Clock } from './platform/clock.js';
import type { CursorCodec } from './platform/cursor.js';
import type { Db } from './platform/db/db.js';
import type { PageJson, PageParams } from './platform/list.js';
import { createOwnedBusiness, getBusiness, listBusinesses, renameBusiness } from './resources/businesses/service.js';
import { ContactsService } from './resources/contacts/service.js';
import { importCustomers } from './resources/customers/bulk-import.js';
import { createExportLink, redeemExportLink } from './resources/customers/export-links.js';
import { CustomersService } from './resources/customers/service.js';
import { listEvents } from './resources/events/service.js';
import {
  acceptInvitation,
  createInvitation,
  listInvitations,
  revokeInvitation,
} from './resources/invitations/service.js';
import { addMember, changeRole, listMembers, removeMember } from './resources/members/service.js';
import {
  deletePasskey,
  listPasskeys,
  type RelyingParty,
  registerPasskey,
  registrationOptions,
  signInOptions,
  signInWithPasskey,
} from './resources/passkeys/service.js';
import { endSession, type SessionOptions, signIn, verifySession } from './resources/sessions/service.js';
import type { Authenticator } from './resources/tokens/authenticator.js';
import { createOwnToken, listOwnTokens, revokeToken } from './resources/tokens/service.js';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listAttempts,
  listEndpoints,
  redeliverEvent,
  rotateSecret,
  sendTestEvent,
  updateEndpoint,
} from './resources/webhooks/service.js';

/** What every set of services shares, whichever database it runs on. */
export interface ServiceOptions {
  /** Told of membership and token changes, so this process stops trusting what it cached. */
  auth: Authenticator;
  /** The server's now for every rule about time (expiries; see platform/clock.ts). */
  clock: Clock;
  /** For work that is long by nature (bulk upload): its statements' deadline, ms. */
  longStatementTimeoutMs: number;
  /** The rules of console sessions (expiries, clock). */
  sessions: SessionOptions;
  /** Who writes the list pages' JSON (PAGE_JSON, resolved). */
  pageJson: PageJson;
}

/**
 * Every service a request handler may use, each bound to one database: the
 * app's, an idempotent request's transaction, or a read replica. Binding to
 * another is one call of this function; a handler gets its set from the
 * request (`req.services`, see http/request-services.ts) and never sees a Db.
 */
export function createServices(db: Db, codec: CursorCodec, opts: ServiceOptions) {
  /** A core function whose first argument is the database, bound to this one. */
  const on =
    <A extends unknown[], R>(fn: (db: Db, ...args: A) => R) =>
    (...args: A): R =>
      fn(db, ...args);
  /** A listing function (database, then cursor codec), bound to both. */
  const paged =
    <A extends unknown[], R>(fn: (db: Db, codec: CursorCodec, ...args: A) => R) =>
    (...args: A): R =>
      fn(db, codec, ...args);
  /** A core function that applies a rule about time: the database, then the clock. */
  const timed =
    <A extends unknown[], R>(fn: (db: Db, clock: Clock, ...args: A) => R) =>
    (...args: A): R =>
      fn(db, opts.clock, ...args);
  return {
    auth: opts.auth,
    clock: opts.clock,
    longStatementTimeoutMs: opts.longStatementTimeoutMs,
    customers: new CustomersService(db, codec, { pageJson: opts.pageJson }),
    contacts: new ContactsService(db, codec, opts.pageJson),
    bulkImport: on(importCustomers),
    exportLinks: { create: on(createExportLink), redeem: on(redeemExportLink) },
    businesses: {
      list: paged(listBusinesses),
      get: on(getBusiness),
      create: on(createOwnedBusiness),
      rename: on(renameBusiness),
    },
    members: { list: paged(listMembers), add: on(addMember), changeRole: on(changeRole), remove: on(removeMember) },
    invitations: {
      list: (...args: [businessId: string, params: PageParams]) => listInvitations(db, codec, opts.clock, ...args),
      create: timed(createInvitation),
      revoke: timed(revokeInvitation),
      accept: timed(acceptInvitation),
    },
    tokens: { list: paged(listOwnTokens), create: timed(createOwnToken), revoke: on(revokeToken) },
    sessions: {
      options: opts.sessions,
      signIn: (credential: Parameters<typeof signIn>[2]) => signIn(db, opts.sessions, credential),
      verify: (secret: string, businessId: string | null) => verifySession(db, opts.sessions, secret, businessId),
      end: (sessionId: string) => endSession(db, opts.sessions, sessionId),
    },
    passkeys: {
      registrationOptions: timed(registrationOptions),
      register: timed(registerPasskey),
      list: paged(listPasskeys),
      remove: on(deletePasskey),
      signInOptions: timed(signInOptions),
      signIn: (rp: RelyingParty, input: Parameters<typeof signInWithPasskey>[4]) =>
        signInWithPasskey(db, opts.clock, opts.sessions, rp, input),
    },
    events: { list: paged(listEvents) },
    /** Where a business's data stands (conditional requests: http/conditional.ts). */
    changes: { state: on(changeState) },
    webhooks: {
      list: paged(listEndpoints),
      get: on(getEndpoint),
      create: on(createEndpoint),
      update: on(updateEndpoint),
      remove: on(deleteEndpoint),
      rotateSecret: timed(rotateSecret),
      attempts: paged(listAttempts),
      sendTest: timed(sendTestEvent),
      redeliver: timed(redeliverEvent),
    },
  };
}

export type Services = ReturnType<typeof createServices>;

/** Makes the same services on another database (a transaction, a replica). */
export type BindServices = (db: Db) => Services;
