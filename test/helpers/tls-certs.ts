/**
 * Test certificates made with the openssl CLI (Debian package `openssl`) in a temporary folder:
 * a CA, a leaf it signed that expired in 2020, a leaf for another host name, a good leaf for
 * 127.0.0.1, and a self-signed certificate. EC P-256 keys: the whole set takes ~50 ms.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCerts {
  readonly ca: Buffer;
  readonly selfSigned: { key: Buffer; cert: Buffer };
  readonly expired: { key: Buffer; cert: Buffer };
  readonly otherHost: { key: Buffer; cert: Buffer };
  readonly good: { key: Buffer; cert: Buffer };
  cleanup(): void;
}

const CA_CONFIG = `[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
copy_extensions = copy
unique_subject = no
[p]
commonName = supplied
`;

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), "truestatus-tls-"));
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  writeFileSync(join(dir, "ca.cnf"), CA_CONFIG);
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(join(dir, "serial"), "01\n");
  const selfSigned = (name: string, subject: string, san: string) =>
    run([
      "req",
      "-x509",
      ...EC,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-subj",
      subject,
      "-days",
      "36500",
      "-addext",
      san,
    ]);
  const signed = (name: string, cn: string, san: string, dates: string[]) => {
    run([
      "req",
      "-new",
      ...EC,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${cn}`,
      "-addext",
      `subjectAltName=${san}`,
    ]);
    run([
      "ca",
      "-batch",
      "-config",
      "ca.cnf",
      "-cert",
      "ca.crt",
      "-keyfile",
      "ca.key",
      "-notext",
      ...dates,
      "-in",
      `${name}.csr`,
      "-out",
      `${name}.crt`,
    ]);
  };
  selfSigned("ca", "/CN=truestatus test CA", "basicConstraints=critical,CA:true");
  selfSigned("self", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1");
  signed("expired", "127.0.0.1", "IP:127.0.0.1", [
    "-startdate",
    "20200101000000Z",
    "-enddate",
    "20200201000000Z",
  ]);
  signed("other", "other.test", "DNS:other.test", ["-days", "36500"]);
  signed("good", "127.0.0.1", "IP:127.0.0.1", ["-days", "36500"]);
  const pair = (name: string) => ({
    key: readFileSync(join(dir, `${name}.key`)),
    cert: readFileSync(join(dir, `${name}.crt`)),
  });
  return {
    ca: readFileSync(join(dir, "ca.crt")),
    selfSigned: pair("self"),
    expired: pair("expired"),
    otherHost: pair("other"),
    good: pair("good"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
