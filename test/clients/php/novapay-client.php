<?php
// A hand-written NovaPay client, as a PHP shop would write one from NovaPay's documentation: JSON bodies signed
// with the merchant's RSA key (openssl_sign, SHA-1, base64 in the x-sign header), sent with curl to the
// provider's own host name over HTTPS. The name is pinned to the gateway with CURLOPT_RESOLVE (no hosts file) and
// the gateway's local CA is trusted with CURLOPT_CAINFO. Answers are checked against the gateway's public key
// (X-Sign, SHA-1) as the documentation's signed responses allow.
//
//   php novapay-client.php <private key file> <merchant id> <https port> <ca file>
//
// Prints one JSON object: what each call answered.

if ($argc !== 5) {
    fwrite(STDERR, "usage: php novapay-client.php <private key file> <merchant id> <https port> <ca file>\n");
    exit(2);
}
[, $keyFile, $merchantId, $port, $caFile] = $argv;

const HOST = 'api-qecom.novapay.ua';
$base = 'https://' . HOST . ':' . $port . '/v1';

$privateKey = openssl_pkey_get_private(file_get_contents($keyFile));
if ($privateKey === false) {
    fwrite(STDERR, "cannot read the private key\n");
    exit(2);
}

/** One curl request to the provider's host, resolved to the gateway. */
function http(string $method, string $url, ?string $body, array $headers, string $caFile, string $port): array
{
    $ch = curl_init($url);
    $answerHeaders = [];
    curl_setopt_array($ch, [
        CURLOPT_CUSTOMREQUEST => $method,
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_HTTPHEADER => $headers,
        CURLOPT_CAINFO => $caFile,
        CURLOPT_SSL_VERIFYPEER => true,
        CURLOPT_SSL_VERIFYHOST => 2,
        CURLOPT_RESOLVE => [HOST . ':' . $port . ':127.0.0.1'],
        CURLOPT_HEADERFUNCTION => function ($ch, $line) use (&$answerHeaders) {
            $parts = explode(':', $line, 2);
            if (count($parts) === 2) $answerHeaders[strtolower(trim($parts[0]))] = trim($parts[1]);
            return strlen($line);
        },
    ]);
    if ($body !== null) curl_setopt($ch, CURLOPT_POSTFIELDS, $body);
    $text = curl_exec($ch);
    if ($text === false) {
        fwrite(STDERR, 'curl: ' . curl_error($ch) . "\n");
        exit(1);
    }
    $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    curl_close($ch);
    return [$status, $text, $answerHeaders];
}

// the gateway's public key, which signs its answers
[$status, $gatewayKeyPem] = http('GET', "$base/public-key", null, [], $caFile, $port);
if ($status !== 200) {
    fwrite(STDERR, "public-key: HTTP $status\n");
    exit(1);
}
$gatewayKey = openssl_pkey_get_public($gatewayKeyPem);

/** A signed POST, its answer decoded, its X-Sign checked. */
function call(string $path, array $params): array
{
    global $base, $privateKey, $gatewayKey, $caFile, $port;
    $body = json_encode($params, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
    openssl_sign($body, $signature, $privateKey, OPENSSL_ALGO_SHA1);
    [$status, $text, $headers] = http('POST', $base . $path, $body, [
        'Content-Type: application/json',
        'x-sign: ' . base64_encode($signature),
    ], $caFile, $port);
    $signed = isset($headers['x-sign'])
        && openssl_verify($text, base64_decode($headers['x-sign']), $gatewayKey, OPENSSL_ALGO_SHA1) === 1;
    return ['status' => $status, 'body' => json_decode($text, true), 'signed' => $signed];
}

$session = call('/session', [
    'merchant_id' => $merchantId,
    'client_first_name' => 'Іван',
    'client_last_name' => 'Іваненко',
    'client_phone' => '+380982850654',
    'metadata' => ['order' => 'php-1'],
]);
$sessionId = $session['body']['id'] ?? '';
$payment = call('/payment', [
    'merchant_id' => $merchantId,
    'session_id' => $sessionId,
    'external_id' => 'php-1',
    'amount' => 150.25,
    'products' => [['description' => 'Книга', 'count' => '1', 'price' => '150.25']],
]);
$status = call('/get-status', ['merchant_id' => $merchantId, 'session_id' => $sessionId]);
$bad = call('/get-status', ['merchant_id' => $merchantId]);

echo json_encode(['session' => $session, 'payment' => $payment, 'status' => $status, 'invalid' => $bad], JSON_UNESCAPED_SLASHES), "\n";
