// Run: node --experimental-vm-modules node_modules/jest/bin/jest.js --config examples/recipes/jest/jest.config.mjs
import { server } from './server.mjs';

test('the fixtures are there', async () => {
  const page = await server.client.customers.page({ email: 'billing@globex.example' });
  expect(page.items.map((c) => c.id)).toEqual(['0190a000-0000-7000-8000-00000000c001']);
});

// Both tests create the same customer: the e-mail is unique, so the second passes only because of the reset.
test.each(['creates a customer', 'creates it again after the reset'])('%s', async () => {
  const made = await server.client.customers.create({ name: 'Umbrella', email: 'ap@umbrella.example' });
  expect((await server.client.customers.get(made.id)).email).toBe('ap@umbrella.example');
});
