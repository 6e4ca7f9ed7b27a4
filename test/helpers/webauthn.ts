import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

/** What a test may change in what the authenticator and browser say, to forge a bad answer. */
export interface Forgery {
  /** The page's origin as the browser reports it. */
  origin?: string;
  /** The relying party the authenticator signs for. */
  rpId?: string;
  /** The challenge the browser signs (default: the options'). */
  challenge?: string;
  /** Whether the user was verified (default true). */
  verified?: boolean;
  /** The signature counter to report (default: one more than the last). */
  counter?: number;
  /** Flip a byte of the signature. */
  badSignature?: boolean;
}

/**
 * A passkey in software, as a platform authenticator and the browser would answer
 * `navigator.credentials.create()` / `.get()` in their JSON form: an ES256 (P-256) key,
 * attestation "none", user presence and verification flags set. For API tests; the
 * browser suite uses Chromium's own virtual authenticator.
 */
export class SoftPasskey {
  readonly credentialId = b64(randomBytes(16));
  private readonly keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  private counter = 0;
  private handle = '';

  constructor(readonly origin: string) {}

  private get rpId(): string {
    return new URL(this.origin).hostname;
  }

  private clientData(type: string, challenge: string, f: Forgery): string {
    return b64(
      Buffer.from(
        JSON.stringify({
          type,
          challenge: f.challenge ?? challenge,
          origin: f.origin ?? this.origin,
          crossOrigin: false,
        }),
      ),
    );
  }

  private authData(f: Forgery, attested?: Uint8Array): Buffer {
    const flags = 0x01 | (f.verified === false ? 0 : 0x04) | (attested ? 0x40 : 0);
    this.counter = f.counter ?? this.counter + 1;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.counter);
    return Buffer.concat([sha256(f.rpId ?? this.rpId), Buffer.from([flags]), count, attested ?? Buffer.alloc(0)]);
  }

  /** The answer to registration options (`POST /passkeys/options`' data). */
  register(options: { challenge: string; user: { id: string } }, f: Forgery = {}) {
    this.handle = options.user.id;
    const jwk = this.keys.publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y ?? '', 'base64url'))],
      ]),
    );
    const id = Buffer.from(this.credentialId, 'base64url');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(id.length);
    const attested = Buffer.concat([Buffer.alloc(16), length, id, Buffer.from(cose)]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Map<string, string> | Uint8Array>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', new Uint8Array(this.authData({ ...f, counter: f.counter ?? 0 }, attested))],
      ]),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key' as const,
      response: {
        clientDataJSON: this.clientData('webauthn.create', options.challenge, f),
        attestationObject: b64(attestationObject),
        transports: ['internal'],
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }

  /** The answer to sign-in options (`POST /sessions/passkey/options`' data). */
  signIn(options: { challenge: string }, f: Forgery = {}) {
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, f);
    const authData = this.authData(f);
    const signature = sign(
      'sha256',
      Buffer.concat([authData, sha256(Buffer.from(clientDataJSON, 'base64url'))]),
      this.keys.privateKey,
    );
    if (f.badSignature) signature[signature.length - 1] = (signature.at(-1) ?? 0) ^ 0xff;
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key' as const,
      response: {
        clientDataJSON,
        authenticatorData: b64(authData),
        signature: b64(signature),
        userHandle: this.handle,
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }
}
