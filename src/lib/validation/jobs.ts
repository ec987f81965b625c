import { z } from '@hono/zod-openapi';
import { JOB_KINDS, JOB_STATUSES } from '../domain';
import { orgParamsSchema } from './common-api';

const dateTime = z.string().openapi({ format: 'date-time' });

export const jobParamsSchema = orgParamsSchema.extend({
  jobId: z.uuid({ message: 'must be a UUID' }).openapi({ param: { name: 'jobId', in: 'path' } }),
});

export const listJobsQuerySchema = z.object({
  kind: z.enum(JOB_KINDS).optional(),
  status: z.enum(JOB_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const jobSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(JOB_KINDS),
    status: z.enum(JOB_STATUSES),
    phase: z.string().nullable().openapi({ description: 'What it is doing now, e.g. "PageRank"' }),
    progress: z.number().min(0).max(1).openapi({ description: 'How far the whole job is, 0..1' }),
    attempts: z.number().int().openapi({ description: 'Times it was started (a restart resumes it)' }),
    timeLimitSeconds: z.number().int(),
    requestedByUserId: z.uuid().nullable().openapi({ description: 'Who asked; null for the schedule' }),
    params: z.record(z.string(), z.unknown()),
    error: z.string().nullable().openapi({ description: 'Why it failed' }),
    result: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: 'Its summary once succeeded (durations, sizes, counts)' }),
    cancelRequested: z.boolean(),
    createdAt: dateTime,
    startedAt: dateTime.nullable(),
    heartbeatAt: dateTime.nullable(),
    finishedAt: dateTime.nullable(),
  })
  .openapi('Job');

export const jobListSchema = z.object({ items: z.array(jobSchema) }).openapi('JobList');
