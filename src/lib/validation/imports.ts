import { z } from '@hono/zod-openapi';

export const importQuerySchema = z.object({
  kind: z.enum(['participants', 'relationships']).openapi({ description: 'What the file holds' }),
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .openapi({ description: 'Judge every row and report, without writing' }),
  background: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .openapi({
      description:
        'Store the file and import it as a csv_import job (202 with the job): follow its progress at /jobs/{jobId}; its result holds the report',
    }),
});

const outcomeSchema = z.enum(['created', 'updated', 'unchanged', 'rejected']);

export const importReportSchema = z
  .object({
    kind: z.enum(['participants', 'relationships']),
    dryRun: z.boolean(),
    applied: z.boolean(),
    file: z.object({ bytes: z.number().int(), sha256: z.string(), rows: z.number().int() }),
    counts: z.object({
      created: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      rejected: z.number().int(),
    }),
    rows: z.array(
      z.object({
        row: z.number().int(),
        outcome: outcomeSchema,
        key: z.string(),
        changes: z.array(z.string()).optional(),
        problems: z
          .array(z.object({ column: z.string(), value: z.string(), message: z.string() }))
          .optional(),
      }),
    ),
    rowsLeftOut: z.number().int(),
  })
  .openapi('ImportReport');
