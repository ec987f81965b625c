import { and, eq, sql } from 'drizzle-orm';
import type { OrgDb } from '../database/with-org';
import { importUploadChunks, importUploads } from '../database/schema';
import type { ImportKindName } from '../import/kinds';
import type { OrgScope } from '../scope';

// The files of imports that run as jobs (decision 032), kept in chunks until the job has read them.

export async function insertUpload(
  tx: OrgDb,
  scope: OrgScope,
  input: { kind: ImportKindName; dryRun: boolean; createdByUserId: string | null },
): Promise<string> {
  const [row] = await tx
    .insert(importUploads)
    .values({ orgId: scope.orgId, ...input })
    .returning({ id: importUploads.id });
  return row!.id;
}

/** Adds chunk `n` and counts it in the upload. */
export async function appendChunk(tx: OrgDb, scope: OrgScope, uploadId: string, n: number, data: Buffer) {
  await tx.insert(importUploadChunks).values({ orgId: scope.orgId, uploadId, n, data });
  await tx
    .update(importUploads)
    .set({ bytes: sql`${importUploads.bytes} + ${data.length}`, chunks: n + 1 })
    .where(and(eq(importUploads.orgId, scope.orgId), eq(importUploads.id, uploadId)));
}

export async function findUpload(tx: OrgDb, scope: OrgScope, uploadId: string) {
  const [row] = await tx
    .select({
      kind: importUploads.kind,
      dryRun: importUploads.dryRun,
      bytes: importUploads.bytes,
      chunks: importUploads.chunks,
    })
    .from(importUploads)
    .where(and(eq(importUploads.orgId, scope.orgId), eq(importUploads.id, uploadId)));
  return row && { ...row, kind: row.kind as ImportKindName };
}

export async function readChunk(tx: OrgDb, scope: OrgScope, uploadId: string, n: number): Promise<Buffer> {
  const [row] = await tx
    .select({ data: importUploadChunks.data })
    .from(importUploadChunks)
    .where(
      and(
        eq(importUploadChunks.orgId, scope.orgId),
        eq(importUploadChunks.uploadId, uploadId),
        eq(importUploadChunks.n, n),
      ),
    );
  if (!row) throw new Error(`Chunk ${n} of upload ${uploadId} is missing.`);
  return row.data;
}

export async function deleteUpload(tx: OrgDb, scope: OrgScope, uploadId: string): Promise<void> {
  await tx
    .delete(importUploads)
    .where(and(eq(importUploads.orgId, scope.orgId), eq(importUploads.id, uploadId)));
}
