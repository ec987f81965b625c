import { eq } from 'drizzle-orm';
import type { Database } from '../db';
import { sessions } from '../database/schema';

/** Ends a session server-side: its cookie no longer signs anyone in. */
export async function deleteSession(db: Database, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}
