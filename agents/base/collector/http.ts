import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Tls } from './config.js';

export interface HttpAnswer { status: number; body: string; ms: number }

const MAX_BODY = 32 * 1024 * 1024;

/**
 * GET `url` with headers, TLS options and a timeout. Resolves with the status and body
 * whatever the status; rejects with an Error whose message names the URL and the reason
 * (refused, timeout, certificate...), never a bare "fetch failed".
 */
export function httpGet(url: string, opts: { headers?: Record<string, string>; tls?: Tls; timeoutMs: number }): Promise<HttpAnswer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new Error(`${url}: not a URL`));
      return;
    }
    const fail = (reason: string): void => reject(new Error(`${url}: ${reason}`));
    let tlsOptions: Record<string, unknown> = {};
    try {
      tlsOptions = target.protocol === 'https:' ? tlsOptionsOf(opts.tls) : {};
    } catch (err) {
      fail(`TLS files: ${(err as Error).message}`);
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: 'GET', headers: opts.headers ?? {}, timeout: opts.timeoutMs, ...tlsOptions }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) { req.destroy(new Error(`answer larger than ${MAX_BODY} bytes`)); return; }
        chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
      res.on('error', (err) => fail(err.message));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => fail(describeNetError(err)));
    req.end();
  });
}

function tlsOptionsOf(tls: Tls | undefined): Record<string, unknown> {
  if (!tls) return {};
  return {
    rejectUnauthorized: !tls.insecureSkipVerify,
    ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
    ...(tls.certFile ? { cert: readFileSync(tls.certFile) } : {}),
    ...(tls.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
  };
}

/** "connection refused (ECONNREFUSED)" rather than a stack of causes. */
export function describeNetError(err: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused', ENOTFOUND: 'host not found', ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable', ETIMEDOUT: 'timed out', DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
    CERT_HAS_EXPIRED: 'certificate expired', UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate not trusted',
  };
  const code = err.code ?? '';
  return known[code] ? `${known[code]} (${code})` : err.message;
}
