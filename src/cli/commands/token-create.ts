/** `token create`: a token for a user; the secret is shown once. */
import { createToken } from '../../resources/tokens/service.js';
import { USER_FLAGS, userOf } from '../args.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  flags: {
    ...USER_FLAGS,
    'expires-in-days': { type: 'integer', value: 'N', description: 'days until it expires, 1..365 (default: never)' },
  },
  oneOf: [['email', 'user-id']],
  async run(values, { out, withDb }) {
    const user = userOf(values);
    const r = await withDb((db) =>
      createToken(db, { ...('id' in user ? { userId: user.id } : user), expiresInDays: values['expires-in-days'] }),
    );
    out(r, `token:      ${r.token}\ntoken_id:   ${r.token_id}\nexpires_at: ${r.expires_at ?? 'never'}`);
    return 0;
  },
});
