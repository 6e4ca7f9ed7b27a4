/** `login-link`: a one-time sign-in link for a user (15 minutes by default): its url, shown once. */
import { createSignInLink, LINK_MINUTES } from '../../resources/sessions/service.js';
import { USER_FLAGS, userOf } from '../args.js';
import { defineCommand, UsageError } from '../command.js';

export default defineCommand({
  flags: {
    ...USER_FLAGS,
    minutes: {
      type: 'integer',
      value: 'N',
      description: `minutes until it expires, ${LINK_MINUTES.min}..${LINK_MINUTES.max} (default ${LINK_MINUTES.default})`,
    },
    url: {
      type: 'string',
      value: 'PUBLIC_URL',
      description: "the server's public address in the link (default: PUBLIC_URL, else http://HOST:PORT)",
    },
  },
  oneOf: [['email', 'user-id']],
  async run(values, { io, out, withDb }) {
    const user = userOf(values);
    const minutes = values.minutes;
    if (minutes !== undefined && (minutes < LINK_MINUTES.min || minutes > LINK_MINUTES.max)) {
      throw new UsageError(`--minutes must be from ${LINK_MINUTES.min} to ${LINK_MINUTES.max}`);
    }
    const { loadConfig } = await import('../../config.js');
    const config = loadConfig(io.env);
    const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST;
    const baseUrl = values.url ?? config.PUBLIC_URL ?? `http://${host}:${config.PORT}`;
    if (!/^https?:\/\/[^/?#]+/.test(baseUrl)) throw new UsageError('--url must be an http:// or https:// address');
    const link = await withDb((db) => createSignInLink(db, {}, { user, minutes, baseUrl }));
    out(link, `${link.url}\n(single use; expires ${link.expires_at}; shown once)`);
    return 0;
  },
});
