/** The CLI's wording of the core's errors (the HTTP API has its own, in http/errors.ts). */
import type { DomainError } from '../platform/errors.js';
import { isUuid } from '../platform/ids.js';

/**
 * The CLI's words for a domain error, and whether it is the caller's mistake
 * (bad usage: exit 2) or a failed operation (exit 1).
 */
export function describe(err: DomainError): { message: string; usage: boolean } {
  switch (err.kind) {
    case 'invalid_argument':
      return { message: `--${err.field.replaceAll('_', '-')} ${err.problem}`, usage: true };
    case 'not_found': {
      const named: Partial<Record<typeof err.resource, string>> = {
        business: `No business with id ${err.ref}`,
        user: `No user with ${err.ref !== undefined && isUuid(err.ref) ? 'id' : 'e-mail'} ${err.ref}`,
        member: `${err.ref} is not a member of this business`,
        token: `No token with id ${err.ref}`,
      };
      return { message: named[err.resource] ?? err.message, usage: false };
    }
    case 'invalid_file':
    case 'token_limit':
    case 'database_locked':
    case 'unauthenticated':
    case 'forbidden':
    case 'conflict':
    case 'invalid_state':
    case 'invalid_cursor':
    case 'unavailable':
      return { message: err.message, usage: false };
    default: {
      const unmapped: never = err;
      return { message: String(unmapped), usage: false };
    }
  }
}
