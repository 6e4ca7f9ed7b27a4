export default async function globalTeardown() {
  await Promise.all((globalThis.customersApiServers ?? []).map((s) => s.stop()));
}
