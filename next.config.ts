import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Several development servers on one checkout (one per engineer or per test run) each need their own
  // build folder: Next.js locks its folder while `next dev` runs.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  reactStrictMode: true,
  // forbidden() renders the 403 pages (src/app/forbidden.tsx, console/[orgId]/forbidden.tsx) with status 403.
  experimental: {
    authInterrupts: true,
    // Pages' statements are named by the function and module that built them (docs/decisions/036):
    // the server bundle keeps its function names, and its source maps say which module they came from.
    serverMinification: false,
    serverSourceMaps: true,
  },
  // These hold process-wide state (the embedded database, its socket, the pool) or native-ish code:
  // Next.js must load them from node_modules, not bundle a second copy (DESIGN.md §2).
  serverExternalPackages: ['@electric-sql/pglite', '@electric-sql/pglite-socket', 'pg', 'better-auth'],
};

export default nextConfig;
