import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `vite dev` forwards API and WebSocket calls to a running tenant process,
// because the web client is served by that process in production.
const devApiTarget = process.env.ESM_TENANT_DEV_API ?? 'http://127.0.0.1:8700';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': { target: devApiTarget, ws: true },
    },
  },
});
