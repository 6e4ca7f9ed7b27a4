/**
 * B2, the HTTP limit: a bare Fastify route answering a constant body of the
 * size of S1's response — what the server would do with no database, no auth,
 * no validation and no serialization.  Usage: bare-server.ts PORT BODY_FILE
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [port, file] = process.argv.slice(2);
const body = readFileSync(file as string, 'utf8');
const app = Fastify({ logger: false });
app.get('/', async (_req, reply) => reply.type('application/json; charset=utf-8').send(body));
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write('listening\n');
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
