import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError } from '../../lib/errors';
import { startImportJob } from '../../lib/services/import-jobs';
import { importCsv } from '../../lib/services/imports';
import { jobSchema } from '../../lib/validation/jobs';
import { orgParamsSchema } from '../../lib/validation/common-api';
import { importQuerySchema, importReportSchema } from '../../lib/validation/imports';
import type { ApiEnv } from '../context';
import { json, orgRouteErrors, problemContent } from '../openapi-schemas';
import { heavy } from './heavy';
import { needs } from './middleware';

const importRoute = createRoute({
  method: 'post',
  path: '/imports',
  summary:
    'Import participants or relationships from a CSV file (the raw text/csv body, streamed): all rows or none; dryRun=true reports without writing',
  tags: ['imports'],
  middleware: [needs('import.write'), heavy()] as const,
  request: {
    params: orgParamsSchema,
    query: importQuerySchema,
    body: { content: { 'text/csv': { schema: z.string() } }, required: true },
  },
  responses: {
    200: { description: 'The report: what each row did, or would do', content: json(importReportSchema) },
    202: { description: 'background=true: the file is stored and its job queued', content: json(jobSchema) },
    409: {
      description: 'background=true: an import job is already queued or running',
      content: problemContent,
    },
    413: { description: 'The file is over the size limit', content: problemContent },
    415: { description: 'The body is not text/csv', content: problemContent },
    422: {
      description: 'Some rows cannot be imported; nothing was. The problem’s `report` lists them',
      content: problemContent,
    },
    ...orgRouteErrors,
  },
});

/** True for the one route whose body is a CSV file, not JSON, and may be far larger than 1 MiB. */
export const isCsvUpload = (method: string, path: string) =>
  method === 'POST' && /^\/api\/orgs\/[^/]+\/imports\/?$/.test(path);

export const importRoutes = new OpenAPIHono<ApiEnv>();
// POST /api/orgs/:orgId/imports
importRoutes.openapi(importRoute, async (c) => {
  const { kind, dryRun, background } = c.req.valid('query');
  const limits = c.get('deps').settings.importLimits;
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  // The rest of a refused body is never read: the connection closes with the answer.
  const close = { connection: 'close' };
  if (type !== 'text/csv') {
    throw new AppError('unsupported_media_type', 'Send the file as text/csv (UTF-8).', undefined, close);
  }
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > limits.maxBytes) {
    throw new AppError(
      'payload_too_large',
      `The file is ${declared} bytes; the limit is ${limits.maxBytes}.`,
      undefined,
      close,
    );
  }
  const body = c.req.raw.body;
  if (!body)
    throw new AppError('bad_request', 'The file is empty: it needs a header row naming its columns.');
  // Node's web streams are async iterables; the DOM typings do not say so.
  const bytes = body as unknown as AsyncIterable<Uint8Array>;
  if (background) {
    const job = await startImportJob(c.get('db'), c.get('scope'), kind, bytes, { dryRun, limits });
    return c.json(job, 202);
  }
  const report = await importCsv(c.get('deps').database, c.get('scope'), kind, bytes, { dryRun, limits });
  return c.json(report, 200);
});
