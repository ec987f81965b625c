import { openDatabase } from '/work/main/src/lib/db.ts';
import { runMigrations, pendingMigrations } from '/work/main/src/lib/database/migrate';
const h = await openDatabase({ dataDir: '/tmp/oc-t1', poolSize: 3, role: 'server' });
console.log(await pendingMigrations(h));
await runMigrations(h);
console.log(await pendingMigrations(h));
const c = await openDatabase({ dataDir: '/tmp/oc-t1', poolSize: 3, role: 'command' });
console.log(c.kind, c.location);
const r = await c.db.execute('select count(*) from orgs');
console.log(r.rows);
await c.close();
await h.close();
const d = await openDatabase({ dataDir: '/tmp/oc-t1', poolSize: 3, role: 'command' });
console.log(d.kind);
await runMigrations(d);
await d.close();
const pgh = await openDatabase({
  databaseUrl: 'postgresql://postgres@127.0.0.1:5432/postgres',
  dataDir: '',
  poolSize: 3,
  role: 'command',
});
await pgh.db.execute('drop database if exists oc_t1');
await pgh.db.execute('create database oc_t1');
await pgh.close();
const p = await openDatabase({
  databaseUrl: 'postgresql://postgres@127.0.0.1:5432/oc_t1',
  dataDir: '',
  poolSize: 3,
  role: 'command',
});
await runMigrations(p);
console.log(await pendingMigrations(p));
await p.close();
