import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/api/body-rules';
import { createTestApi, ORIGIN } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

// A refused body is not read. Left on a keep-alive connection, its bytes would be taken for the next
// request (or the client's write of it would fail): the 413 closes the connection instead.

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
  socket: unknown;
}

describeEachDatabase(
  'a 413 over a real connection',
  ({ db }) => {
    let server: http.Server;
    let base: { host: string; port: number };
    let agent: http.Agent;

    beforeAll(async () => {
      const { app } = createTestApi(db());
      const listener = getRequestListener(app.fetch);
      server = http.createServer((req, res) => void listener(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
      agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    });

    afterAll(async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    const send = (method: string, path: string, body?: Buffer, chunked = false) =>
      new Promise<Answer>((resolve, reject) => {
        const headers: http.OutgoingHttpHeaders = body
          ? { 'content-type': 'application/json', origin: ORIGIN, 'sec-fetch-site': 'same-origin' }
          : {};
        if (body && !chunked) headers['content-length'] = body.length;
        const request = http.request({ ...base, method, path, agent, headers }, (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode!,
              connection: response.headers.connection,
              body: text,
              socket: request.socket,
            }),
          );
        });
        request.on('error', reject);
        if (body && chunked) {
          // Written in pieces without a length: the limit is found while reading, not from a header.
          for (let at = 0; at < body.length; at += 64 * 1024)
            request.write(body.subarray(at, at + 64 * 1024));
          request.end();
        } else request.end(body);
      });

    const oversized = Buffer.alloc(MAX_BODY_BYTES * 4, 'x');

    it.each([
      ['with a Content-Length', false],
      ['chunked', true],
    ])(
      'answers an oversized body %s with a clean 413 and Connection: close, and the next request works',
      async (_, chunked) => {
        for (let round = 0; round < 3; round++) {
          const refused = await send('POST', '/api/auth/sign-in/email', oversized, chunked);
          expect(refused.status).toBe(413);
          expect(refused.connection).toBe('close');
          expect(JSON.parse(refused.body)).toMatchObject({ status: 413, title: 'Payload too large' });

          const next = await send('GET', '/api/openapi.json');
          expect(next.status).toBe(200);
          expect(next.socket).not.toBe(refused.socket);
        }
      },
    );

    it('keeps the connection of a request within the limit', async () => {
      const first = await send('GET', '/api/openapi.json');
      const second = await send('GET', '/api/openapi.json');
      expect(first.connection).toBe('keep-alive');
      expect(second.socket).toBe(first.socket);
    });
  },
  { only: 'pglite' },
);
