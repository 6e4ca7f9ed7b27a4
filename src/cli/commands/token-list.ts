/** `token list`: a user's tokens, never the secrets. */
import { listTokens } from '../../resources/tokens/service.js';
import { USER_FLAGS, userOf } from '../args.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  flags: USER_FLAGS,
  oneOf: [['email', 'user-id']],
  async run(values, { out, withDb }) {
    const user = userOf(values);
    const tokens = await withDb((db) => listTokens(db, 'id' in user ? user : user.email));
    const human = tokens.length
      ? tokens
          .map(
            (t) =>
              `${t.token_id}  ${t.prefix}…  ${t.active ? 'active ' : 'inactive'}  expires ${t.expires_at ?? 'never'}  last used ${t.last_used_at ?? 'never'}${t.revoked_at ? `  revoked ${t.revoked_at}` : ''}`,
          )
          .join('\n')
      : 'No tokens.';
    out({ tokens }, human);
    return 0;
  },
});
