/** `invite`: an invitation to a business (7 days, single use): its url and secret, shown once. */

import { wallClock } from '../../platform/clock.js';
import { ROLES } from '../../resources/businesses/roles.js';
import { createInvitation } from '../../resources/invitations/service.js';
import { BUSINESS_FLAG, checkedEmail, uuidOf } from '../args.js';
import { defineCommand, UsageError } from '../command.js';

export default defineCommand({
  flags: {
    business: BUSINESS_FLAG,
    email: { type: 'string', value: 'EMAIL', required: true, description: 'the e-mail invited' },
    role: { type: 'string', choices: ROLES, required: true, description: 'the role it grants' },
    url: {
      type: 'string',
      value: 'PUBLIC_URL',
      description: "the server's public address in the link (default: PUBLIC_URL, else http://HOST:PORT)",
    },
  },
  async run(values, { io, out, withDb }) {
    const businessId = uuidOf('business', values.business, 'a business id');
    const email = checkedEmail('email', values.email);
    const role = values.role;
    const { loadConfig } = await import('../../config.js');
    const config = loadConfig(io.env);
    const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST;
    const baseUrl = values.url ?? config.PUBLIC_URL ?? `http://${host}:${config.PORT}`;
    if (!/^https?:\/\/[^/?#]+/.test(baseUrl)) throw new UsageError('--url must be an http:// or https:// address');
    const inv = await withDb((db) =>
      createInvitation(db, wallClock, { businessId, email, role, inviter: null, baseUrl }),
    );
    out(
      inv,
      `Invited ${inv.email} as ${inv.role} (expires ${inv.expires_at}; single use).\nurl:    ${inv.url}\nsecret: ${inv.secret}\n(shown once; accept with POST /api/v1/invitations/accept {"link": SECRET, "as": "token"})`,
    );
    return 0;
  },
});
