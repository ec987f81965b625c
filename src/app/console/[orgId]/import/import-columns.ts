// What the import page says each file needs (README, Importing CSV; src/lib/import/kinds.ts).

export type ImportKindName = 'participants' | 'relationships';

export const IMPORT_COLUMN_HELP: Record<ImportKindName, string> = {
  participants:
    'Columns: email, display_name, role (required); origin, lifecycle_stage, last_activity_at, created_at. Matched on email.',
  relationships:
    'Columns: from_email, to_email, type (required); source, confidence (0–1), created_at. Both emails must be participants of this org.',
};
