/** `token revoke`: a token stops working. */
import { revokeToken } from '../../resources/tokens/service.js';
import { uuidOf } from '../args.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  flags: {
    id: { type: 'string', value: 'TOKEN_ID', required: true, description: "the token's id (token list shows it)" },
  },
  async run(values, { out, withDb }) {
    const id = uuidOf('id', values.id, 'a token id');
    const r = await withDb((db) => revokeToken(db, id));
    out(r, `Revoked ${r.token_id} at ${r.revoked_at}`);
    return 0;
  },
});
