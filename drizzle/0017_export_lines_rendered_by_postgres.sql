-- Exports rendered by PostgreSQL (issue 11, docs/decisions/040): the database writes each page of an
-- export as text and the app passes it through, rather than building an object per row and formatting
-- it in JavaScript. One CSV cell: NULL as nothing; any other value quoted, its quotes doubled (RFC 4180;
-- quoting every cell costs nothing, deciding which to quote cost half the export); a value a spreadsheet
-- would run as a formula (= + - @, tab, CR first) behind an apostrophe, so an export cannot carry formula
-- injection. tests/support/csv-reference.ts holds the same rule in JavaScript and the tests hold the two
-- together. A single expression, so the planner inlines it into the export's statement.
CREATE FUNCTION export_csv_cell(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN value IS NULL THEN ''
    WHEN value ~ '^[=+@\t\r-]' THEN '"''' || replace(value, '"', '""') || '"'
    ELSE '"' || replace(value, '"', '""') || '"'
  END
$$;
