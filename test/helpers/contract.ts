import assert from 'node:assert/strict';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

type Json = Record<string, any>;

interface Operation {
  method: string;
  template: string;
  re: RegExp;
  responses: Json;
}

/**
 * Holds every response the tests receive to the OpenAPI document the app
 * publishes: the operation must declare the status, and the body must match
 * the schema declared for it. One check for the whole suite, so the document
 * cannot drift from what the server does.
 */
export class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(spec: Json) {
    (addFormats as unknown as (ajv: Ajv2020) => void)(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema({ $id: 'spec.json', components: spec.components });
    for (const [template, item] of Object.entries(spec.paths as Json)) {
      const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`);
      for (const [method, op] of Object.entries(item as Json)) {
        this.operations.push({ method: method.toUpperCase(), template, re, responses: (op as Json).responses });
      }
    }
  }

  static async of(app: FastifyInstance): Promise<ContractChecker> {
    const res = await app.inject({ url: '/openapi.json' });
    assert.equal(res.statusCode, 200, res.body);
    return new ContractChecker(JSON.parse(res.body));
  }

  /** The operation a request is, or undefined for what the document does not describe (health, docs, unknown paths). */
  private operation(method: string, url: string): Operation | undefined {
    const path = (url.split('?')[0] ?? '').replace(/\/+/g, '/');
    // A literal segment wins over a parameter (`/bulk-upload/template` over `/{customer_id}/contacts`).
    const matches = this.operations.filter((o) => o.method === method && o.re.test(path));
    return matches.sort((a, b) => b.template.split('{').length - a.template.split('{').length).at(-1);
  }

  check(method: string, url: string, status: number, contentType: string | undefined, body: string): void {
    const op = this.operation(method.toUpperCase(), url);
    if (!op) return;
    const what = `${method} ${op.template} → ${status}`;
    const declared = op.responses[String(status)];
    assert.ok(declared, `${what}: the OpenAPI document does not declare this status (body: ${body.slice(0, 300)})`);
    if (status === 304) {
      // Not Modified: no body, whatever the document says of the 200.
      assert.equal(body, '', `${what}: a 304 has no body`);
      return;
    }
    const media = Object.keys(declared.content ?? {});
    if (media.length > 0 && !media.includes('application/json')) {
      // A download (an export's CSV): the declared type, the body as it comes.
      assert.ok(
        media.some((m) => (contentType ?? '').startsWith(m)),
        `${what}: content type ${contentType}, declared ${media.join(', ')}`,
      );
      return;
    }
    const schema = declared.content?.['application/json']?.schema;
    assert.ok(schema, `${what}: no JSON schema declared`);
    assert.match(contentType ?? '', /^application\/json/, `${what}: content type`);
    const key = `${op.method} ${op.template} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      const rooted = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"spec.json#/components/'));
      validate = this.ajv.compile(rooted);
      this.compiled.set(key, validate);
    }
    const data = JSON.parse(body);
    if (!validate(data)) {
      assert.fail(
        `${what}: the body does not match the published schema: ${this.ajv.errorsText(validate.errors)}\n${body.slice(0, 500)}`,
      );
    }
  }
}
