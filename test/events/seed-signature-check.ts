import crypto from 'node:crypto';

/**
 * The signature check from seeds/003 (docs.hotglue.com/webhooks), verbatim between the markers;
 * only wrapped in a function that provides `req` and `hotGlue` and silences its logging.
 */
export function verifyHotglueSignature(
  request: { normalizedHeaders: Record<string, string>; rawBody: string | object },
  hotGlue: { webhookSecret: string },
): boolean {
  // The seed reads the header as a string: without one there is nothing to check.
  const header = request.normalizedHeaders['x-hub-signature'];
  if (header === undefined) throw new Error('the request has no X-Hub-Signature header');
  const req = { ...request, normalizedHeaders: { ...request.normalizedHeaders, 'x-hub-signature': header } };
  const console = { error: (_m: string) => {}, log: (_m: string) => {} };
  // ---- seed code begins
  // Get the X-Hub-Signature header
  const signature = req.normalizedHeaders['x-hub-signature'];
  // Get the payload of the webhook as a string
  // biome-ignore lint/suspicious/noDoubleEquals: the seed's code, kept word for word.
  const payload = typeof req.rawBody == 'object' ? JSON.stringify(req.rawBody) : req.rawBody;
  // Get your webhook secret
  const secret = hotGlue.webhookSecret;

  // Compute the signature using the above parameters
  const computedSignature = crypto.createHmac('sha1', secret).update(payload).digest('hex');

  const checksum = Buffer.from(signature, 'utf8');
  const newChecksum = Buffer.from(computedSignature, 'utf8');

  // Verify that the signature matches the X-Hub-Signature that was passed to you
  if (checksum.length !== computedSignature.length || !crypto.timingSafeEqual(newChecksum, checksum)) {
    // This signature is invalid, and was not sent by hotglue
    console.error(`Unable to verify Signature ${payload}`);
    return false;
  }

  // The signature was valid, it is safe to act on this webhook payload
  console.log('Verified Payload Signature !');
  return true;
  // ---- seed code ends
}
