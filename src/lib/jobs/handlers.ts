import { createAnchorJob } from '../audit-chain/anchor-job';
import { resolveAnchorKeys } from '../audit-chain/signing';
import { runAtlasJob } from '../atlas/run-atlas';
import { createDeliveryJob } from '../audit-stream/delivery-job';
import { runStageUpdateJob } from '../engagement/stage-job';
import { env } from '../env';
import { createImportJob } from '../import/import-job';
import { importLimitsOf } from '../import/csv-input';
import type { JobHandlers } from './runner';

/** What each kind of job does. */
export const JOB_HANDLERS: JobHandlers = {
  atlas_run: runAtlasJob,
  stage_update: runStageUpdateJob,
  audit_anchor: createAnchorJob(() => resolveAnchorKeys(env())),
  audit_delivery: createDeliveryJob(),
  csv_import: createImportJob(() => importLimitsOf(env())),
};
