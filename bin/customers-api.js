#!/usr/bin/env node
// Runs the TypeScript sources directly: tsx compiles each module once at load.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/cli.ts');
await run(process.argv.slice(2));
