// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { webcrypto, X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { importPKCS8, type CryptoKey as TJoseKey } from "jose";

export interface TTokenSigner {
  /** PEM of the self-signed certificate: the registry's `auth.token.rootcertbundle`. */
  certPem: string;
  certFile: string;
  /** The certificate as the JWT `x5c` header carries it (base64 DER). */
  x5c: string[];
  key: TJoseKey;
}

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${b64.trimEnd()}\n-----END ${label}-----\n`;
}

/**
 * The console's token-signing key and the certificate the registry trusts, made once per data
 * dir (ECDSA P-256, ten years; the registry reads the certificate at its start). Distribution
 * checks a token by the `x5c` chain against this certificate, so no key id has to be agreed on.
 */
export async function ensureTokenSigner(dir: string): Promise<TTokenSigner> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(dir, "token-key.pem");
  const certFile = path.join(dir, "token-cert.pem");
  if (!fs.existsSync(keyFile) || !fs.existsSync(certFile)) {
    x509.cryptoProvider.set(webcrypto as unknown as Crypto);
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString("hex").replace(/^[89a-f]/, "1"),
      name: "CN=Berth registry token issuer",
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 10 * 365 * 86_400_000),
      signingAlgorithm: ALG,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      ],
    });
    const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey as unknown as webcrypto.CryptoKey);
    fs.writeFileSync(keyFile, pem("PRIVATE KEY", pkcs8), { mode: 0o600 });
    fs.writeFileSync(certFile, cert.toString("pem") + "\n", { mode: 0o644 });
  }
  const certPem = fs.readFileSync(certFile, "utf8");
  const der = new X509Certificate(certPem).raw;
  const key = await importPKCS8(fs.readFileSync(keyFile, "utf8"), "ES256");
  return { certPem, certFile, x5c: [der.toString("base64")], key };
}
