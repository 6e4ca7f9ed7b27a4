import fp from 'fastify-plugin';
import type { Db } from '../platform/db/db.js';
import type { ReadReplicas, RecentWrites } from '../platform/db/replicas.js';
import type { BindServices, Services } from '../services.js';
import type { Metrics } from './metrics.js';

export interface ReplicaOptions {
  replicas: ReadReplicas;
  /** The shared record of which tokens wrote lately (read-your-writes). */
  recentWrites: RecentWrites;
  bind: BindServices;
  metrics: Metrics;
}

/**
 * Reads on replicas: a GET by a token that has not written lately gets the
 * services reading a healthy replica; any other request by a token marks it as
 * having written, in the shared record. A preHandler hook: the caller is known
 * (authentication ran in onRequest), and only requests that reach a handler
 * count as writes.
 */
export const replicaReads = fp<ReplicaOptions>(
  async (app, opts) => {
    const { replicas, recentWrites, bind } = opts;
    opts.metrics.watchReplicas(() => replicas.status());
    const onReplica = new Map<Db, Services>();
    const servicesOn = (replica: Db): Services => {
      let s = onReplica.get(replica);
      if (!s) {
        s = bind(replica);
        onReplica.set(replica, s);
      }
      return s;
    };
    // A write is on every replica within the lag bound, measured at most a check late.
    const windowMs = replicas.opts.maxLagMs + 2 * replicas.opts.checkMs;
    app.addHook('preHandler', async (request) => {
      const caller = request.caller;
      if (!caller) return;
      if (request.method === 'GET' || request.method === 'HEAD') {
        if (await recentWrites.has(caller.tokenId)) return;
        const replica = replicas.pick();
        if (replica) request.services = servicesOn(replica);
      } else {
        await recentWrites.mark(caller.tokenId, windowMs);
      }
    });
  },
  { name: 'replicas', dependencies: ['authentication', 'request-services'] },
);
