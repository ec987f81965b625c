import { AppError } from '../errors';
import { findBannedTerm } from './banned-terms';

/** Free text that users enter (reasons, notes) may not use the banned wording: 422 naming the term. */
export function assertAllowedWording(text: string, field: string): void {
  const term = findBannedTerm(text);
  if (term) {
    throw new AppError('unprocessable', `The ${field} uses wording this product does not allow: "${term}".`, [
      { path: field, message: `must not use "${term}"` },
    ]);
  }
}
