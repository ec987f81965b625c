// Turning one request the app answered into the baseline's plan: the statements it sent (captured by
// capture-statements.mjs) and the body it answered with.
import fs from 'node:fs';

export interface CapturedStatement {
  label: string;
  text: string;
  values: unknown[];
  rowMode?: string;
  /** Values the app generated for rows it inserted: the baseline sends new ones each time. */
  fresh: number[];
}

export interface CapturedRequest {
  statements: CapturedStatement[];
  body: string;
  contentType: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Sends GET `url` as a capture request and returns its statements in the order they were sent. A uuid
 * first seen in an INSERT (not in the path, not in an earlier statement) is an id the app made for the
 * new row, and is marked fresh.
 */
export async function captureRequest(
  url: string,
  headers: Record<string, string>,
  captureFile: string,
  name: string,
): Promise<CapturedRequest> {
  const requestId = `capture-${name}-${Date.now()}`;
  const response = await fetch(url, { headers: { ...headers, 'x-request-id': requestId } });
  const body = await response.text();
  if (!response.ok)
    throw new Error(`capturing ${name}: ${url} answered ${response.status} ${body.slice(0, 300)}`);
  // The statement after the answer (the audit event of a read is written before it) has had time to land.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const lines = fs
    .readFileSync(captureFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Omit<CapturedStatement, 'fresh'> & { requestId: string })
    .filter((line) => line.requestId === requestId);
  if (lines.length === 0) throw new Error(`capturing ${name}: no statement was captured`);
  const seen = new Set<string>(new URL(url).pathname.split('/'));
  const statements = lines.map(({ label, text, values, rowMode }) => {
    const fresh: number[] = [];
    values.forEach((value, index) => {
      if (typeof value !== 'string' || !UUID.test(value)) return;
      if (!seen.has(value) && /^\s*insert\b/i.test(text)) fresh.push(index);
      seen.add(value);
    });
    return { label, text, values, rowMode, fresh };
  });
  return { statements, body, contentType: response.headers.get('content-type') ?? 'application/json' };
}
