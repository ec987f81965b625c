#!/usr/bin/env bash
# Fails when src/lib/database/schema.ts and the committed migrations in drizzle/ disagree: drizzle-kit
# generates into a copy of drizzle/, and any new or changed file there is a migration nobody committed.
set -euo pipefail
cd "$(dirname "$0")/.."
# Inside the project: drizzle-kit reads the snapshots relative to it.
tmp=$(mktemp -d ./.drift-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -R drizzle/. "$tmp/"
npx drizzle-kit generate --dialect postgresql --schema ./src/lib/database/schema.ts --out "$tmp" --name drift >/dev/null
if ! diff -r drizzle "$tmp" >/dev/null; then
  echo "error: the Drizzle schema and the committed migrations disagree." >&2
  diff -r drizzle "$tmp" | head -40 >&2 || true
  echo "Run \`npm run db:generate\`, review the new migration in drizzle/ and commit it." >&2
  exit 1
fi
echo "schema and migrations agree"
