// `polypay ca`: where the local CA's certificate is, and one line per client to trust it.
import { resolve } from 'node:path';

export function trustInstructions(caFile: string, tlsPort: number): string {
  const ca = resolve(caFile);
  return [
    `Polypay local certificate authority: ${ca}`,
    ``,
    `Trust it (one of):`,
    `  Debian/Ubuntu system store:  sudo cp ${ca} /usr/local/share/ca-certificates/polypay.crt && sudo update-ca-certificates`,
    `  macOS keychain:              sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${ca}`,
    `  Node.js:                     export NODE_EXTRA_CA_CERTS=${ca}`,
    `  PHP (php.ini):               curl.cainfo=${ca}   (and openssl.cafile=${ca})`,
    `  PHP curl, per handle:        curl_setopt($ch, CURLOPT_CAINFO, '${ca}');`,
    `  Python requests:             export REQUESTS_CA_BUNDLE=${ca}`,
    `  Python ssl, aiohttp, httpx:  export SSL_CERT_FILE=${ca}`,
    `  curl:                        curl --cacert ${ca} https://127.0.0.1:${tlsPort}/healthz`,
    ``,
    `The data folder is private (0700): a client running as another user (php-fpm, a container) needs a copy of the`,
    `file it can read, or the system store. To reach a provider's host name, add a hosts line, for example`,
    `  127.0.0.1 api-qecom.novapay.ua`,
    `and serve HTTPS on port 443 (--tls-port 443) or forward 443 to the gateway's port (docs/https.md).`,
    ``,
  ].join('\n');
}
