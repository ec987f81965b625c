// Text as PostgreSQL keeps it and as a person sees it; no dependencies, so pages in the browser use it
// too (the URL's filters) without pulling in the API's schemas.

// U+0000 cannot be stored in text at all (SQLSTATE 22021), and the driver encodes an unpaired surrogate
// as U+FFFD, so what would be stored, searched or audited is not what was sent.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Text that shows nothing: whitespace, format characters (zero-width space, non-joiner and joiner,
// word joiner, the byte order mark, bidi controls), controls, the other default-ignorable code points
// (variation selectors, Hangul fillers, tags) and the blank Braille pattern.
const INVISIBLE = /^[\p{White_Space}\p{Cf}\p{Cc}\p{Default_Ignorable_Code_Point}\u2800]*$/u;

/** False for text holding U+0000 or an unpaired surrogate. */
export const isStorableText = (text: string): boolean => !UNSTORABLE.test(text);

/** True for text a reader would see as empty. */
export const isInvisibleText = (text: string): boolean => INVISIBLE.test(text);
