import { cache } from 'react';

/** "Now" once per request (React's cache), so that every component of a page agrees on it. */
export const requestNow = cache(() => Date.now());
