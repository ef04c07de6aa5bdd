import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vitest/config';

// The dashboard is built into dist/ and served by the proxy (one process, one port).
// In `npm run dev` the proxy serves the API and Vite serves the dashboard with HMR.
export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: { outDir: 'dist', sourcemap: false },
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:8787', '/v1': 'http://127.0.0.1:8787' },
  },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'server', include: ['server/**/*.test.ts', 'contract/**/*.test.ts', 'bench/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: { name: 'dashboard', include: ['src/**/*.test.{ts,tsx}'], environment: 'jsdom' },
      },
    ],
  },
});
