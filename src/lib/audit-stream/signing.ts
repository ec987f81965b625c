import crypto from 'node:crypto';

// The audit stream's signatures (docs/decisions/035): HMAC-SHA256 over "<unix seconds>.<body>" with the
// stream's secret, sent as `X-Audit-Signature: v1=<hex>` beside `X-Audit-Timestamp`. Receivers check it
// with scripts/verify-audit-webhook.mjs (the README's snippet); a test holds the two together.

export const SIGNATURE_HEADER = 'x-audit-signature';
export const TIMESTAMP_HEADER = 'x-audit-timestamp';
export const DELIVERY_HEADER = 'x-audit-delivery';

/** A stream's secret: `whsec_` and 32 random bytes, base64url. */
export function newStreamSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64url')}`;
}

export function signDelivery(secret: string, timestamp: number, body: string): string {
  return `v1=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
