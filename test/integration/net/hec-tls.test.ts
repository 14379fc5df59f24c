/**
 * httpevent over HTTPS against the stand-in with certificates made by openssl at test time:
 * verification is on by default, a certificate it cannot verify is a clear PermanentError, and
 * both ways out (a CA file, or verification off) work.
 */
import { PermanentError, type Output } from '../../../lib/plugins/api';
import httpevent from '../../../lib/plugins/output/net/httpevent';
import { HecStandIn, makeTestCert, type TestCert } from '../../stand-ins/hec';
import { batchOf, create, makeEvents, rejection } from '../../unit/outputs/net/support';

let good: TestCert;
let wrongName: TestCert;
let hec: HecStandIn;
const outputs: Output[] = [];

beforeAll(() => {
  good = makeTestCert(['IP:127.0.0.1', 'DNS:localhost']);
  wrongName = makeTestCert(['DNS:wrong.example']);
});

afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.close?.()));
  await hec?.stop();
});

function out(settings: Record<string, unknown> = {}, address = '127.0.0.1'): Output {
  const o = create(httpevent, { httpeventServers: { servers: [{ ...hec.server(), address }] }, ...settings });
  outputs.push(o);
  return o;
}

test('a self-signed certificate is refused by default, with advice naming the settings', async () => {
  hec = await HecStandIn.start({ tls: good });
  const e = await rejection(out().send(batchOf(makeEvents(1))));
  expect(e).toBeInstanceOf(PermanentError);
  expect(e.message).toBe(
    `httpevent [net_test]: the TLS certificate of server 1 (https://127.0.0.1:${hec.port}) was rejected: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT); set httpeventCaFile to the CA that signed it, or httpeventSslVerify = false to skip verification`,
  );
  expect(hec.indexed).toHaveLength(0);
});

test('with httpeventCaFile the same certificate is accepted', async () => {
  hec = await HecStandIn.start({ tls: good });
  await out({ httpeventCaFile: good.certFile }).send(batchOf(makeEvents(3)));
  expect(hec.indexed).toHaveLength(3);
});

test('with httpeventCaFile a host name is checked too', async () => {
  hec = await HecStandIn.start({ tls: good });
  await out({ httpeventCaFile: good.certFile }, 'localhost').send(batchOf(makeEvents(2)));
  expect(hec.indexed).toHaveLength(2);
});

test('a trusted certificate for another name is refused, naming the mismatch', async () => {
  hec = await HecStandIn.start({ tls: wrongName });
  const e = await rejection(out({ httpeventCaFile: wrongName.certFile }).send(batchOf(makeEvents(1))));
  expect(e).toBeInstanceOf(PermanentError);
  expect(e.message).toContain('was rejected');
  expect(e.message).toContain("IP: 127.0.0.1 is not in the cert's list");
  expect(e.message).toContain(`check that httpeventCaFile (${wrongName.certFile}) holds the CA that signed it and that the certificate names the host`);
});

test('a CA that did not sign the certificate is refused', async () => {
  hec = await HecStandIn.start({ tls: good });
  const e = await rejection(out({ httpeventCaFile: wrongName.certFile }).send(batchOf(makeEvents(1))));
  expect(e).toBeInstanceOf(PermanentError);
  expect(e.message).toContain('self-signed certificate');
});

test('httpeventSslVerify = false accepts any certificate', async () => {
  hec = await HecStandIn.start({ tls: wrongName });
  await out({ httpeventSslVerify: false, httpeventGzip: true }).send(batchOf(makeEvents(4)));
  expect(hec.indexed).toHaveLength(4);
});
