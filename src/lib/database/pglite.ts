import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/**
 * Every embedded database is opened with the extensions the migrations create (pg_trgm for search):
 * PGlite builds them in but loads only those it is given, and a data directory that uses one cannot be
 * opened without it.
 */
export function createPglite(options: PGliteOptions = {}): Promise<PGlite> {
  return PGlite.create({ ...options, extensions: { pg_trgm, ...options.extensions } });
}
