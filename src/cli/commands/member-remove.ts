/** `member remove`: a member out of a business (never the last owner). */
import { removeMember } from '../../resources/members/service.js';
import { userIdOf } from '../../resources/users/service.js';
import { BUSINESS_FLAG, USER_FLAGS, userOf, uuidOf } from '../args.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  flags: { business: BUSINESS_FLAG, ...USER_FLAGS },
  oneOf: [['email', 'user-id']],
  async run(values, { out, withDb }) {
    const businessId = uuidOf('business', values.business, 'a business id');
    const user = userOf(values);
    const removed = await withDb(async (db) =>
      removeMember(db, { businessId, userId: 'id' in user ? user.id : await userIdOf(db, user), actor: null }),
    );
    out({ removed }, `Removed ${removed.email} (${removed.role}) from business ${businessId}.`);
    return 0;
  },
});
