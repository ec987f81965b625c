import { LIFECYCLE_STAGES } from '../domain';
import { emailCell, oneOfCell, timeCell, unitCell, wordsCell, type ImportColumn } from './columns';

// What each import reads: its columns (in the staging table's order, src/lib/repositories/imports.ts)
// and the columns an export writes that it reads past (computed, or ids it does not match on).

export type ImportKindName = 'participants' | 'relationships';

export interface ImportKind {
  name: ImportKindName;
  columns: ImportColumn[];
  ignored: string[];
  /**
   * What a row names, for a person reading the report, from its cells as written (`cell` gives '' for
   * an absent column); the staged rows' `key` in src/lib/repositories/imports.ts says the same.
   */
  key(cell: (column: string) => string): string;
}

export const IMPORT_KINDS: Record<ImportKindName, ImportKind> = {
  participants: {
    name: 'participants',
    columns: [
      { name: 'email', required: true, read: emailCell },
      { name: 'display_name', required: true, read: wordsCell(200) },
      { name: 'role', required: true, read: wordsCell(100) },
      { name: 'origin', required: false, read: wordsCell(100) },
      { name: 'lifecycle_stage', required: false, read: oneOfCell(LIFECYCLE_STAGES) },
      { name: 'last_activity_at', required: false, read: timeCell },
      { name: 'created_at', required: false, read: timeCell },
    ],
    ignored: ['id', 'degree'],
    key: (cell) => cell('email'),
  },
  relationships: {
    name: 'relationships',
    columns: [
      { name: 'from_email', required: true, read: emailCell },
      { name: 'to_email', required: true, read: emailCell },
      { name: 'type', required: true, read: wordsCell(100) },
      { name: 'source', required: false, read: wordsCell(100) },
      { name: 'confidence', required: false, read: unitCell },
      { name: 'created_at', required: false, read: timeCell },
    ],
    ignored: ['id', 'from_participant_id', 'to_participant_id'],
    key: (cell) => `${cell('from_email')} → ${cell('to_email')} (${cell('type')})`,
  },
};
