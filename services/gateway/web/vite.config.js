// Everything the dashboard needs is bundled at build time into dist/: it
// works with no Internet (no CDN, no web fonts).
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    outDir: process.env.HPEDU_WEB_OUT || 'dist',
    emptyOutDir: true,
    target: 'es2020',
    assetsInlineLimit: 0,
  },
});
