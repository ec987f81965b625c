import { defineConfig } from 'drizzle-kit';
import path from 'node:path';

// drizzle-kit's own commands (generate, push, studio) read this file. `push` and `studio` open the
// database directly, so with the embedded default they must not run while `npm start` holds it; they
// change tables, so they connect as the owner (MIGRATION_DATABASE_URL, decision 029).
const url = process.env.MIGRATION_DATABASE_URL || process.env.DATABASE_URL;

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/lib/database/schema.ts',
  out: './drizzle',
  strict: true,
  verbose: true,
  ...(url
    ? { dbCredentials: { url } }
    : { driver: 'pglite', dbCredentials: { url: path.resolve(process.env.DATA_DIR ?? './.data', 'pg') } }),
});
