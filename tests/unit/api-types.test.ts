import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, formattedApiTypes } from '../../scripts/api-types';

describe('the browser client types', () => {
  it('match the API as its routes define it today (run `npm run api:types` after changing a route)', async () => {
    const committed = fs.readFileSync(API_TYPES_FILE, 'utf8');
    expect(committed === (await formattedApiTypes()), 'src/lib/client/api-types.ts is stale').toBe(true);
  });
});
