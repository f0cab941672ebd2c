import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// `npm run build` writes the UI into the package (dist/web), where `threadline server` serves it.
// `npx vite web` serves it in development, with the API of THREADLINE_URL behind /api.
export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  worker: { format: 'es' },
  // ELK alone is 1.4 MB (in the worker's chunk): no size warning, and no report of the plugin time it costs.
  build: { outDir: fileURLToPath(new URL('../dist/web', import.meta.url)), emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 2000, rolldownOptions: { checks: { pluginTimings: false } } },
  server: { proxy: { '/api': process.env.THREADLINE_URL ?? 'http://127.0.0.1:5000' } },
});
