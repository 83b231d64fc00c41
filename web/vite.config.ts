import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/**
 * The web client, built to web/dist and served by Renraku at `/` (src/http/routes/home-routes.ts).
 * Hashed file names under assets/ (cached for a year), no inlined assets or scripts (the page's
 * CSP allows only 'self'). `npm run dev:web` proxies the API and the socket to a local server.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:4000',
      '/socket': { target: 'http://127.0.0.1:4000', ws: true },
    },
  },
});
