// Part of `npm run build`: the compiled server imports TypeBox from one bundled file,
// dist/vendor/typebox.js, instead of the package's ~700 modules, which Node otherwise
// resolves and loads one by one at every start (`npm run start-time` measures the start).
// Only the compiled output changes: the sources, the tests and the type declarations keep
// importing `typebox` itself. The bundle is TypeBox's own code, unchanged.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

const DIST = 'dist';
const BUNDLE = join(DIST, 'vendor/typebox.js');

await build({
  stdin: { contents: "export * from 'typebox';\nexport { default } from 'typebox';\n", resolveDir: '.', loader: 'js' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  outfile: BUNDLE,
  logLevel: 'warning',
});

// The root specifier only: the server imports nothing else of TypeBox's at run time (a subpath
// here would fail the build below rather than load a second copy).
const ROOT_IMPORT = /(\bfrom\s*|\bimport\s*\(\s*)(['"])typebox\2/g;
const SUBPATH_IMPORT = /(\bfrom\s*|\bimport\s*\(\s*)(['"])typebox\/[^'"]*\2/;

function* jsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === join(DIST, 'vendor') || path === join(DIST, 'console')) continue;
    if (statSync(path).isDirectory()) yield* jsFiles(path);
    else if (name.endsWith('.js')) yield path;
  }
}

// tsc's build is incremental: a file it did not emit again already points at the bundle.
let users = 0;
for (const file of jsFiles(DIST)) {
  const text = readFileSync(file, 'utf8');
  if (SUBPATH_IMPORT.test(text)) throw new Error(`${file} imports a TypeBox subpath: bundle it too`);
  let target = relative(dirname(file), BUNDLE);
  if (!target.startsWith('.')) target = `./${target}`;
  const next = text.replace(ROOT_IMPORT, (_m, lead: string, q: string) => `${lead}${q}${target}${q}`);
  if (next !== text) writeFileSync(file, next);
  if (next.includes(`${target}'`) || next.includes(`${target}"`)) users++;
}
if (users === 0) throw new Error('no compiled file imports TypeBox: is the build output where this expects it?');
