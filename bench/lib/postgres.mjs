// A throwaway PostgreSQL for the service bench's second engine: scripts/postgres.sh makes a
// cluster in a temporary folder on a free port (as the tests' own), and each run gets a fresh,
// empty database in it, as each run on SQLite gets a fresh file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function startPostgres(root) {
  const script = join(root, 'scripts/postgres.sh');
  const dir = mkdtempSync(join(tmpdir(), 'signpost-bench-pg-'));
  const url = execFileSync(script, ['start', dir], { encoding: 'utf8' }).trim();
  let made = 0;
  return {
    /** A new empty database; its URL, as `--db` takes it. */
    database() {
      const name = `bench_${process.pid}_${++made}`;
      execFileSync('psql', [url, '--quiet', '--no-psqlrc', '-c', `CREATE DATABASE ${name}`]);
      const fresh = new URL(url);
      fresh.pathname = `/${name}`;
      return fresh.href;
    },
    stop() {
      execFileSync(script, ['stop', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
