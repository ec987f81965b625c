// How a receiver of the console's audit stream checks a delivery (README, "Streaming the audit log").
// Plain Node, no dependency: copy it into your receiver. `body` is the request body exactly as received
// (bytes or a string, before any JSON parsing); the two headers are X-Audit-Timestamp and
// X-Audit-Signature. Deliveries are at least once: deduplicate on each event's `id`.
import crypto from 'node:crypto';

export function verifyAuditWebhook({ secret, timestamp, signature, body, toleranceSeconds = 300 }) {
  const sent = Number(timestamp);
  if (!Number.isInteger(sent) || Math.abs(Date.now() / 1000 - sent) > toleranceSeconds) return false;
  const expected = crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  const given = Buffer.from(String(signature ?? '').replace(/^v1=/, ''));
  return given.length === expected.length && crypto.timingSafeEqual(given, Buffer.from(expected));
}
