/** `member list`: a business's members and their roles. */
import { allMembers } from '../../resources/members/service.js';
import { BUSINESS_FLAG, uuidOf } from '../args.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  flags: { business: BUSINESS_FLAG },
  async run(values, { out, withDb }) {
    const businessId = uuidOf('business', values.business, 'a business id');
    const members = await withDb((db) => allMembers(db, businessId));
    const human = members.length
      ? members.map((m) => `${m.user_id}  ${m.role.padEnd(6)}  ${m.email}  (since ${m.created_at})`).join('\n')
      : 'No members.';
    out({ members }, human);
    return 0;
  },
});
