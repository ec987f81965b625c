/** scripts/verify-audit-webhook.mjs: the receivers' check of a delivery's signature and timestamp. */
export function verifyAuditWebhook(input: {
  secret: string;
  timestamp: string;
  signature: string;
  body: string | Uint8Array;
  toleranceSeconds?: number;
}): boolean;
