/** `business create`: a business, its owner (the user is created if new), and the owner's token. */
import { createBusiness } from '../../resources/businesses/service.js';
import { checkedEmail } from '../args.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  flags: {
    name: { type: 'string', value: 'NAME', required: true, description: "the business's name" },
    'owner-email': { type: 'string', value: 'EMAIL', required: true, description: "the owner's e-mail" },
  },
  async run(values, { out, withDb }) {
    const ownerEmail = checkedEmail('owner-email', values['owner-email']);
    const r = await withDb((db) => createBusiness(db, { name: values.name, ownerEmail }));
    out(
      { business_id: r.business_id, user_id: r.user_id, token: r.token },
      `business_id: ${r.business_id}\nuser_id:     ${r.user_id}\ntoken:       ${r.token}`,
    );
    return 0;
  },
});
