import { z } from '@hono/zod-openapi';
import { isInvisibleText, isStorableText } from '../unicode-text';

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

/** Any free text or id taken from a request (query or body). */
export const textSchema = z.string().refine(isStorableText, { message: UNSTORABLE_TEXT_MESSAGE });

/** Words a person must give, such as a reason: text that shows nothing counts as not given. */
export const requiredWordsSchema = (max: number) =>
  textSchema
    .trim()
    .refine((text) => !isInvisibleText(text), { message: 'is required' })
    .max(max);

/** Words a person may give, such as a note: text that shows nothing is kept as absent. */
export const optionalWordsSchema = (max: number) =>
  textSchema
    .trim()
    .max(max)
    .transform((text) => (isInvisibleText(text) ? undefined : text))
    .optional();
