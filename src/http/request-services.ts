import fp from 'fastify-plugin';
import type { Services } from '../services.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The services this request's handler uses — the only way a handler reaches any
     * (route plugins get none in their options). The app's, set before any other hook
     * runs; the replicas plugin replaces them for a GET with the same services reading a
     * replica, the idempotency plugin for a POST with a key with the same services bound
     * to the request's transaction (its effect commits with the stored answer).
     */
    services: Services;
  }
}

/** Gives every request the app's services (see FastifyRequest.services). */
export const requestServices = fp<{ services: Services }>(
  async (app, { services }) => {
    app.decorateRequest('services', null as unknown as Services);
    // A callback hook: no promise per request.
    app.addHook('onRequest', (request, _reply, done) => {
      request.services = services;
      done();
    });
  },
  { name: 'request-services' },
);
