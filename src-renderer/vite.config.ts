import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const rendererRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * Builds the renderer into dist-renderer/. Relative asset URLs let the same build load from
 * Electron's app protocol and from the loopback server of the browser tests. The dev server
 * does not work under the page's CSP (connect-src 'none' blocks its HMR socket), so the app is
 * always built.
 */
export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist-renderer', import.meta.url)),
    emptyOutDir: true,
    // The polyfill is not needed in Chromium and would only add code to the entry chunk.
    modulePreload: { polyfill: false },
    target: 'chrome130',
    chunkSizeWarningLimit: 2048,
  },
});
