// The baseline the app is measured against (issue 11): node:http and pg, nothing else. It answers
// GET /health with the app's JSON after `SELECT 1`, and GET /replay/<name> by sending, on one pooled
// connection, the statements the app sent for the same request (captured by capture-statements.mjs),
// then the same JSON body the app answered with. Ids the app generated for rows it inserted are
// replaced by new ones on every replay, so that the inserts succeed as the app's did.
//   node scripts/bench/bare-server.mjs <database url> <pool size> <plan.json>
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import pg from 'pg';

const [databaseUrl, poolSize, planFile] = process.argv.slice(2);
if (!databaseUrl || !poolSize || !planFile) {
  console.error('usage: bare-server.mjs <database url> <pool size> <plan.json>');
  process.exit(2);
}
/** @type {Record<string, { statements: { text: string; values: unknown[]; rowMode?: string; fresh: number[] }[]; body: string; contentType: string }>} */
const plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));
const pool = new pg.Pool({ connectionString: databaseUrl, max: Number(poolSize) });
const health = JSON.stringify({ status: 'ok', database: 'ok' });

async function replay(name) {
  const route = plan[name];
  const client = await pool.connect();
  try {
    for (const statement of route.statements) {
      const values = statement.values.slice();
      for (const index of statement.fresh) values[index] = crypto.randomUUID();
      await client.query({ text: statement.text, values, rowMode: statement.rowMode });
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return route;
}

const server = http.createServer((req, res) => {
  const answer = async () => {
    if (req.url === '/health') {
      await pool.query('SELECT 1');
      return { body: health, contentType: 'application/json' };
    }
    const name = req.url?.startsWith('/replay/') ? req.url.slice('/replay/'.length) : '';
    if (!plan[name]) return null;
    return replay(name);
  };
  answer().then(
    (route) => {
      if (!route) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': route.contentType }).end(route.body);
    },
    (error) => {
      console.error(error.message);
      res.writeHead(500).end();
    },
  );
});
server.listen(0, '127.0.0.1', () =>
  console.log(`bare server ready at http://127.0.0.1:${server.address().port}`),
);
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
