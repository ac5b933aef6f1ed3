/**
 * Meta's error codes as the simulator reports them (meta-cloud-api.md §4.2): title, the HTTP
 * status of a synchronous answer, and the default `error_data.details`. Used for synchronous
 * errors and for the `errors[]` of `failed` statuses alike.
 */
export interface ErrorCodeInfo {
  title: string;
  httpStatus: number;
  details: string;
  transient?: boolean;
}

const catalogue: Record<number, ErrorCodeInfo> = {
  0: { title: 'AuthException', httpStatus: 401, details: 'We were unable to authenticate the app user.' },
  2: { title: 'API Service', httpStatus: 503, details: 'Temporary due to downtime or due to being overloaded.', transient: true },
  10: { title: 'Application does not have permission for this action', httpStatus: 403, details: 'The access token does not grant access to this phone number.' },
  100: { title: 'Invalid parameter', httpStatus: 400, details: 'Invalid parameter.' },
  130429: { title: 'Rate limit hit', httpStatus: 400, details: 'Too many messages sent from this phone number in a short time.', transient: true },
  130472: { title: "User's number is part of an experiment", httpStatus: 400, details: "Message not sent as part of Meta's marketing message experiment." },
  131000: { title: 'Something went wrong', httpStatus: 500, details: 'Message failed to send due to an unknown error.', transient: true },
  131005: { title: 'Access denied', httpStatus: 403, details: 'Permission is either not granted or has been removed.' },
  131008: { title: 'Required parameter is missing', httpStatus: 400, details: 'The request is missing a required parameter.' },
  131009: { title: 'Parameter value is not valid', httpStatus: 400, details: 'One or more parameter values are invalid.' },
  131016: { title: 'Service unavailable', httpStatus: 500, details: 'A service is temporarily unavailable.', transient: true },
  131021: { title: 'Recipient cannot be sender', httpStatus: 400, details: 'Sender and recipient phone number is the same.' },
  131026: { title: 'Message Undeliverable', httpStatus: 400, details: 'Unable to deliver message. The recipient may not be a WhatsApp user or has not accepted the latest terms.' },
  131031: { title: 'Account has been locked', httpStatus: 403, details: 'The business account was locked.' },
  131042: { title: 'Business eligibility payment issue', httpStatus: 400, details: 'There was an error related to your payment method.' },
  131047: { title: 'Re-engagement message', httpStatus: 400, details: "Over 24 hours since the recipient's last reply to this business number." },
  131048: { title: 'Spam rate limit hit', httpStatus: 400, details: 'Message failed to send because there are restrictions on how many messages can be sent from this phone number.' },
  131049: { title: 'Meta chose not to deliver', httpStatus: 400, details: 'This message was not delivered to maintain healthy ecosystem engagement.' },
  131050: { title: 'User has stopped receipt of marketing messages', httpStatus: 400, details: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.' },
  131051: { title: 'Unsupported message type', httpStatus: 400, details: 'Message type is not currently supported.' },
  131052: { title: 'Media download error', httpStatus: 400, details: "Unable to download the media sent by the user." },
  131053: { title: 'Media upload error', httpStatus: 400, details: 'Unable to upload the media used in the message.' },
  131056: { title: '(Business Account, Consumer Account) pair rate limit hit', httpStatus: 400, details: 'Too many messages from this business number to the same user in a short time.', transient: true },
  131057: { title: 'Account in maintenance mode', httpStatus: 500, details: 'Business Account is in maintenance mode.', transient: true },
  132000: { title: 'Number of parameters does not match the expected number of params', httpStatus: 400, details: 'The number of parameters provided does not match the number of variables in the template.' },
  132001: { title: 'Template name does not exist in the translation', httpStatus: 404, details: 'The template does not exist in this language or is not approved.' },
  132005: { title: 'Translated text too long', httpStatus: 400, details: 'Translated text is too long.' },
  132007: { title: 'Format character policy violated', httpStatus: 400, details: 'Template content violates a WhatsApp policy.' },
  132012: { title: 'Parameter format does not match format in the created template', httpStatus: 400, details: 'Variable parameter values formatted incorrectly.' },
  132015: { title: 'Template is Paused', httpStatus: 400, details: 'Template is paused due to low quality so it cannot be sent in a template message.' },
  132016: { title: 'Template is Disabled', httpStatus: 400, details: 'Template has been paused too many times due to low quality and is now permanently disabled.' },
  133005: { title: 'Two step verification PIN Mismatch', httpStatus: 400, details: 'The PIN does not match the two-step verification PIN of this number.' },
  133010: { title: 'Phone number Not Registered', httpStatus: 400, details: 'The phone number is not registered on the WhatsApp Business Platform.' },
  // Flows (Flows API error codes; docs/simulator.md says which the simulator uses for what).
  139001: { title: "Flow can't be updated", httpStatus: 400, details: 'Only a DRAFT flow takes a new Flow JSON.' },
  139002: { title: 'Publishing Flow in invalid state', httpStatus: 400, details: 'Only a DRAFT flow with a valid Flow JSON can be published.' },
  139004: { title: 'Flow Name Not Unique', httpStatus: 400, details: 'Another flow of this WhatsApp Business Account has this name.' },
};

/** What the simulator knows about a code; unknown codes read as a generic failure. */
export function errorCodeInfo(code: number): ErrorCodeInfo {
  return catalogue[code] ?? { title: 'Something went wrong', httpStatus: 400, details: `Error ${code}.` };
}

/** The error object of a `failed` status or `value.errors[]` (§1.7: title equals message). */
export interface WebhookError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href: string;
}

/** Builds a webhook error object for a code, with Meta's site-relative `href`. */
export function webhookError(code: number, details?: string): WebhookError {
  const info = errorCodeInfo(code);
  return {
    code,
    title: info.title,
    message: info.title,
    error_data: { details: details ?? info.details },
    href: '/documentation/business-messaging/whatsapp/support/error-codes',
  };
}
