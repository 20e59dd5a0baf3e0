// The service bench: throughput, latency and peak memory of signpost-server (release build) under
// 64 concurrent clients, then the durability check (kill -9 mid-load, restart, count losses), on a
// fresh SQLite file, or on a fresh PostgreSQL database when `db` gives its URL.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSignpost } from './signpost.mjs';

function runLoad(loadBin, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(loadBin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`signpost-load exited ${code}`))));
  });
}

export async function throughput({ serverBin, loadBin, site, body, clients, seconds, db }) {
  const server = await startSignpost({ bin: serverBin, site, db });
  try {
    const result = await runLoad(loadBin, ['--url', `${server.url}/api/v1/referrals`, '--body', body,
      '--clients', String(clients), '--seconds', String(seconds)]);
    return { ...result, peak_rss_bytes: server.peakRss() };
  } finally {
    await server.remove();
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function isStored(serverBin, db, reference) {
  return new Promise((resolve) => {
    execFile(serverBin, ['referral', 'show', reference, '--db', db], { encoding: 'utf8' }, (error, stdout) => {
      if (error) return resolve(false);
      try { resolve(JSON.parse(stdout).reference === reference); } catch { resolve(false); }
    });
  });
}

export async function durability({ serverBin, loadBin, site, body, clients, seconds, killAfterMs, db: url }) {
  const dir = mkdtempSync(join(tmpdir(), 'signpost-durability-'));
  const db = url ?? join(dir, 'signpost.db');
  const refs = join(dir, 'acknowledged.txt');
  let server;
  try {
    server = await startSignpost({ bin: serverBin, site, db });
    const addr = new URL(server.url).host;
    const load = runLoad(loadBin, ['--url', `${server.url}/api/v1/referrals`, '--body', body,
      '--clients', String(clients), '--seconds', String(seconds), '--refs', refs]);
    await sleep(killAfterMs);
    await server.stop('SIGKILL');
    const loadResult = await load;
    // Restart on the same database (and port): it must open, recover its WAL and answer.
    server = await startSignpost({ bin: serverBin, site, db, addr });
    const health = await fetch(`${server.url}/api/v1/health`).then((r) => r.status, () => 0);
    await server.stop();
    const acknowledged = existsSync(refs) ? readFileSync(refs, 'utf8').split('\n').filter(Boolean) : [];
    const lost = [];
    for (let i = 0; i < acknowledged.length; i += 4) {
      const batch = acknowledged.slice(i, i + 4);
      const found = await Promise.all(batch.map((r) => isStored(serverBin, db, r)));
      batch.forEach((r, j) => { if (!found[j]) lost.push(r); });
    }
    return { killed_after_ms: killAfterMs, acknowledged: acknowledged.length, lost: lost.length, lost_references: lost.slice(0, 20),
      health_after_restart: health, load: loadResult };
  } finally {
    await server?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
