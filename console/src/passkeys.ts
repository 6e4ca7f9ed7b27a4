import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { type CustomersApi, signedOut } from './api.js';

/**
 * Why passkeys cannot be used on this page, or null when they can. Browsers refuse them on
 * an IP address (a passkey belongs to a host name), and without WebAuthn.
 */
export function passkeysUnavailable(): string | null {
  if (!browserSupportsWebAuthn()) return 'This browser does not support passkeys.';
  if (/^(\d+\.){3}\d+$|^\[.*\]$/.test(window.location.hostname)) {
    const at = `${window.location.protocol}//localhost${window.location.port ? `:${window.location.port}` : ''}`;
    return `Passkeys need a host name, not an IP address: open the console at ${at}/console/ (or the server's name).`;
  }
  return null;
}

/** What a cancelled or refused browser prompt says, in words. */
function prompted<T>(run: () => Promise<T>): Promise<T> {
  return run().catch((err: unknown) => {
    if (err instanceof Error && err.name === 'NotAllowedError') {
      throw new Error('The passkey prompt was cancelled or timed out. Try again.');
    }
    throw err;
  });
}

/** Makes a passkey for the signed-in user and registers it under `name`. */
export async function registerPasskey(api: CustomersApi, name: string) {
  const optionsJSON = await api.passkeys.options();
  const credential = await prompted(() => startRegistration({ optionsJSON: optionsJSON as never }));
  return await api.passkeys.create({ credential: credential as never, ...(name.trim() ? { name: name.trim() } : {}) });
}

/** Signs in with a passkey the browser offers (the server sets the session's cookie). */
export async function signInWithPasskey() {
  const optionsJSON = await signedOut.sessions.passkeyOptions();
  const credential = await prompted(() => startAuthentication({ optionsJSON: optionsJSON as never }));
  return await signedOut.sessions.createWithPasskey({ credential: credential as never });
}
