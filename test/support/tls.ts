import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test TLS for tests that run the web server as production does (issuer and redirect over
 * https): a self-signed certificate for 127.0.0.1 (openssl), given to a child process as
 * NODE_EXTRA_CA_CERTS, the way a municipality gives its servers its internal CA. Nothing here is
 * imported by src/.
 */
export interface TestTls {
  cert: string;
  key: string;
  /** The certificate's file, for NODE_EXTRA_CA_CERTS. */
  certFile: string;
  remove(): void;
}

export function testTls(): TestTls {
  const dir = mkdtempSync(join(tmpdir(), 'robot-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
