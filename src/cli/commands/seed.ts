/** `seed`: realistic demo data, inserted in batches. */
import { seed } from '../../resources/customers/seed.js';
import { BUSINESS_FLAG, progressBar } from '../args.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  flags: {
    business: BUSINESS_FLAG,
    customers: { type: 'integer', value: 'N', required: true, description: 'how many customers' },
    'contacts-per-customer': { type: 'integer', value: 'M', required: true, description: 'contacts of each' },
  },
  async run(values, { io, json, out, withDb }) {
    const started = Date.now();
    const r = await withDb((db) =>
      seed(db, {
        businessId: values.business,
        customers: values.customers,
        contactsPerCustomer: values['contacts-per-customer'],
        onProgress: progressBar(io, json, 'seeding'),
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    out(
      { customers: r.customers, contacts: r.contacts, seconds },
      `Seeded ${r.customers} customers and ${r.contacts} contacts in ${seconds.toFixed(1)} s.`,
    );
    return 0;
  },
});
