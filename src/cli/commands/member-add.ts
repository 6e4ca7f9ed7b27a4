/** `member add`: a member and their token; on an existing member, a change of role (no token). */
import { ROLES } from '../../resources/businesses/roles.js';
import { addMember } from '../../resources/members/service.js';
import { BUSINESS_FLAG, USER_FLAGS, userOf, uuidOf } from '../args.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  flags: {
    business: BUSINESS_FLAG,
    ...USER_FLAGS,
    role: { type: 'string', choices: ROLES, required: true, description: 'the role in the business' },
  },
  oneOf: [['email', 'user-id']],
  async run(values, { out, withDb }) {
    const businessId = uuidOf('business', values.business, 'a business id');
    const user = userOf(values);
    const role = values.role;
    const r = await withDb((db) =>
      addMember(db, { businessId, user, role, actor: null, ifMember: 'update', token: 'new-member' }),
    );
    const m = r.member;
    const data = { ...m, previous_role: r.previousRole, token: r.token?.token ?? null };
    if (r.previousRole === null) {
      out(data, `Added ${m.email} as ${m.role}.\nuser_id: ${m.user_id}\ntoken:   ${r.token?.token ?? '(none)'}`);
    } else if (r.previousRole === m.role) {
      out(data, `${m.email} is already a member with role ${m.role}: nothing changed.`);
    } else {
      out(data, `${m.email} was already a member: changed the role from ${r.previousRole} to ${m.role}.`);
    }
    return 0;
  },
});
