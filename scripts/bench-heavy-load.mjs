// The heavy user of `npm run bench -- isolation`, in a process of its own: the client that drains
// megabytes of heavy answers must not share an event loop with the one timing the light requests.
// Keeps CONCURRENCY requests in flight over the paths in turn, each sent again as soon as answered,
// until SIGTERM, which breaks off those in flight; then prints its answers by status as JSON (0: a
// connection broken by the server).
import http from 'node:http';

const [base, cookie, concurrency, ...paths] = process.argv.slice(2);
if (!base || !cookie || !Number(concurrency) || paths.length === 0) {
  console.error('usage: bench-heavy-load.mjs BASE_URL COOKIE CONCURRENCY PATH…');
  process.exit(2);
}
const { hostname, port } = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const statuses = {};
let stop = false;

const get = (path) =>
  new Promise((resolve) => {
    const request = http.get({ agent, hostname, port, path, headers: { cookie } }, (response) => {
      response.on('end', () => resolve(response.statusCode));
      response.on('error', () => resolve(0));
      response.resume();
    });
    request.on('error', () => resolve(0));
  });

const loops = Array.from({ length: Number(concurrency) }, async (_, i) => {
  for (let n = i; !stop; n++) {
    const status = await get(paths[n % paths.length]);
    // The requests cut off at the end are not answers of the server's.
    if (stop) break;
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
});

process.on('SIGTERM', async () => {
  stop = true;
  // In flight at the end: broken off rather than waited for (thirty exports without limits take minutes).
  agent.destroy();
  await Promise.all(loops);
  process.stdout.write(JSON.stringify(statuses));
  process.exit(0);
});
