import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console, served by the server at /console/ (src/http/console.ts) from dist/console/.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // Every asset a file of its own (no data: URLs): the page's CSP allows 'self' only.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
});
