import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TOOLS } from '../../src/mcp/tools.js';
import { http, type ServerProcess, serverDatabase, startServerProcess } from '../helpers/server-process.js';

/**
 * The MCP Inspector's CLI (`mcp-inspector --cli`, a client nobody here wrote) against
 * a real server process: it lists the tools and calls `search_customers` over
 * Streamable HTTP with the bearer and x-business-id headers. The inspector needs
 * Node ≥ 22.7.5: under an older Node it runs on a registry-built Node 24
 * (`npx node@24`), and the tests skip, saying why, when none can be had.
 * `npm run test:mcp-inspector`.
 */
const INSPECTOR = fileURLToPath(import.meta.resolve('@modelcontextprotocol/inspector/cli/build/cli.js'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in its own process group; the group is killed after `ms` (and on any exit of ours). */
function run(command: string, args: string[], env: Record<string, string | undefined>, ms: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const kill = () => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    process.once('exit', kill);
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`${command} ${args.join(' ')}: no end within ${ms} ms; stderr: ${stderr}`));
    }, ms);
    child.once('error', (err) => {
      clearTimeout(timer);
      process.off('exit', kill);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      process.off('exit', kill);
      // The inspector's own children (it spawns its CLI) go with it.
      kill();
      resolve({ code, stdout, stderr });
    });
  });
}

const atLeast = (version: string, [major, minor, patch]: number[]) => {
  const [a = 0, b = 0, c = 0] = version.replace(/^v/, '').split('.').map(Number);
  return a !== major ? a > (major as number) : b !== minor ? b > (minor as number) : c >= (patch as number);
};

/** A directory holding a `node` the inspector runs on, or why there is none. */
async function nodeForInspector(): Promise<{ bin: string } | { skip: string }> {
  if (atLeast(process.version, [22, 7, 5])) return { bin: dirname(process.execPath) };
  try {
    const r = await run(
      'npx',
      ['--yes', 'node@24', '-e', "process.stdout.write(require('path').dirname(process.execPath))"],
      process.env,
      180_000,
    );
    if (r.code === 0 && r.stdout.trim() !== '') return { bin: r.stdout.trim() };
    return {
      skip: `the inspector needs Node ≥ 22.7.5 (this is ${process.version}) and npx node@24 failed: ${r.stderr}`,
    };
  } catch (err) {
    return { skip: `the inspector needs Node ≥ 22.7.5 (this is ${process.version}) and npx node@24 failed: ${err}` };
  }
}

let node: { bin: string } | { skip: string };
let server: ServerProcess | undefined;
let cleanup: (() => Promise<void>) | undefined;
let token: string;
let businessId: string;

before(async () => {
  node = await nodeForInspector();
  if ('skip' in node) return;
  const d = await serverDatabase();
  cleanup = d.cleanup;
  token = d.token;
  businessId = d.businessId;
  server = await startServerProcess(d.env);
});
after(async () => {
  await server?.stop();
  await cleanup?.();
});

/** `mcp-inspector --cli <server>/mcp --transport http` with these headers and arguments; its JSON output. */
async function inspector(headers: Record<string, string>, args: string[]): Promise<{ run: Run; json: any }> {
  const bin = (node as { bin: string }).bin;
  const r = await run(
    `${bin}/node`,
    [
      INSPECTOR,
      '--cli',
      `${server?.url}/mcp`,
      '--transport',
      'http',
      ...Object.entries(headers).flatMap(([k, v]) => ['--header', `${k}: ${v}`]),
      ...args,
    ],
    // The inspector starts its CLI as `node` from PATH: the same Node.
    { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    60_000,
  );
  let json: any;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { run: r, json };
}

const skipReason = () => ('skip' in node ? node.skip : undefined);

describe('the MCP Inspector CLI against a running server', () => {
  test('tools/list: the eleven tools with their schemas and annotations', async (t) => {
    if (skipReason()) return t.skip(skipReason());
    const { run: r, json } = await inspector({ Authorization: `Bearer ${token}`, 'x-business-id': businessId }, [
      '--method',
      'tools/list',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const tools = json.tools as { name: string; inputSchema: any; outputSchema: any; annotations: any }[];
    assert.deepEqual(
      tools.map((x) => x.name),
      TOOLS.map((x) => x.name),
    );
    const search = tools.find((x) => x.name === 'search_customers');
    for (const p of ['business_id', 'search', 'cursor', 'limit', 'sort_by'])
      assert.ok(search?.inputSchema.properties[p], `search_customers takes ${p}`);
    assert.equal(search?.annotations.readOnlyHint, true);
    assert.equal(tools.find((x) => x.name === 'delete_customer')?.annotations.destructiveHint, true);
  });

  test('tools/call search_customers: the REST answer, by the header’s business and by the argument', async (t) => {
    if (skipReason()) return t.skip(skipReason());
    const rest = { authorization: `Bearer ${token}`, 'x-business-id': businessId };
    const names = ['Inspector Acme', 'Inspector Globex', 'Unrelated Initech'];
    for (const [i, name] of names.entries()) {
      const r = await http(server?.url as string, {
        method: 'POST',
        path: '/api/v1/customers',
        headers: rest,
        body: { name, email: `inspector-${i}@example.com` },
      });
      assert.equal(r.status, 201, r.body);
    }
    const expected = (
      await http(server?.url as string, { path: '/api/v1/customers?search=inspector&limit=5', headers: rest })
    ).json().data;
    assert.equal(expected.items.length, 2);

    const byHeader = await inspector({ Authorization: `Bearer ${token}`, 'x-business-id': businessId }, [
      '--method',
      'tools/call',
      '--tool-name',
      'search_customers',
      '--tool-arg',
      'search=inspector',
      '--tool-arg',
      'limit=5',
    ]);
    assert.equal(byHeader.run.code, 0, byHeader.run.stderr);
    assert.notEqual(byHeader.json.isError, true, JSON.stringify(byHeader.json));
    assert.deepEqual(byHeader.json.structuredContent, expected);
    assert.match(byHeader.json.content[0].text, /Inspector Acme/);

    const byArgument = await inspector({ Authorization: `Bearer ${token}` }, [
      '--method',
      'tools/call',
      '--tool-name',
      'search_customers',
      '--tool-arg',
      `business_id=${businessId}`,
      '--tool-arg',
      'search=inspector',
      '--tool-arg',
      'limit=5',
    ]);
    assert.equal(byArgument.run.code, 0, byArgument.run.stderr);
    assert.deepEqual(byArgument.json.structuredContent, expected);
  });

  test('a refused call reaches the inspector as the tool error; no token → the 401', async (t) => {
    if (skipReason()) return t.skip(skipReason());
    const invalid = await inspector({ Authorization: `Bearer ${token}`, 'x-business-id': businessId }, [
      '--method',
      'tools/call',
      '--tool-name',
      'search_customers',
      '--tool-arg',
      'limit=0',
    ]);
    assert.equal(invalid.json?.isError, true, invalid.run.stdout + invalid.run.stderr);
    assert.equal(invalid.json.content[0].text, '422: limit: Input should be greater than or equal to 1');

    const anonymous = await inspector({ 'x-business-id': businessId }, ['--method', 'tools/list']);
    assert.notEqual(anonymous.run.code, 0, 'the inspector fails without a token');
    assert.match(anonymous.run.stdout + anonymous.run.stderr, /Not authenticated/);
  });
});
