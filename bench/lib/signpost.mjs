// signpost-server for the bench: the release build (`--profile server`) on a fresh SQLite file in
// a temporary folder, a referral posted through the API and a follow-up link from the command line.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

/** Starts `signpost-server serve` on 127.0.0.1 (a free port unless `addr` says). */
export async function startSignpost({ bin, site, db, addr = '127.0.0.1:0', allowOrigin }) {
  const dir = db ? null : mkdtempSync(join(tmpdir(), 'signpost-bench-'));
  const dbPath = db ?? join(dir, 'signpost.db');
  const args = ['serve', '--addr', addr, '--db', dbPath, '--site', site];
  if (allowOrigin) args.push('--allow-origin', allowOrigin);
  // The load comes from one address, far faster than any real client: lift the referral limit.
  const env = { ...process.env, RUST_LOG: 'warn', SIGNPOST_RATE_LIMIT_REFERRALS: '1000000/1s' };
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let errors = '';
  child.stderr.on('data', (c) => { errors = (errors + c).slice(-4000); });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('signpost-server did not start within 20 s')), 20_000);
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = seen.match(/listening on (http:\/\/[\d.:]+)/);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`signpost-server exited (${code}) before listening: ${errors}`)); });
  });
  return {
    url, db: dbPath, pid: child.pid, child,
    /** Peak resident memory so far (VmHWM), in bytes. */
    peakRss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(status.match(/VmHWM:\s+(\d+) kB/)[1]) * 1024;
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill(signal);
        await gone;
      }
    },
    async remove() {
      await this.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Posts a valid referral and returns its reference. */
export async function refer(serviceUrl, body) {
  const response = await fetch(`${serviceUrl}/api/v1/referrals`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`referral refused: ${response.status} ${await response.text()}`);
  return (await response.json()).reference;
}

/** A fresh follow-up link for a reference, from `signpost-server checkin create`. */
export function followUpLink(bin, db, reference, baseUrl) {
  return execFileSync(bin, ['checkin', 'create', '--reference', reference, '--db', db, '--base-url', baseUrl], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } }).trim();
}

/** Whether `signpost-server referral show` finds the reference in the database. */
export function stored(bin, db, reference) {
  try {
    const out = execFileSync(bin, ['referral', 'show', reference, '--db', db], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out).reference === reference;
  } catch {
    return false;
  }
}
