import type { Request } from 'autocannon';
import { signPayload } from '../src/ingest/signature.ts';
import { customerName, customerWaId } from './dataset.ts';
import { type BusinessNumber, randomWamid, textMessage, webhookBody } from './payloads.ts';

/**
 * The requests of each load run. Both sides of the GET ratio build every request in the same
 * `setupRequest` (pick a random stored wamid, rebuild the request), so the load generator costs
 * the same per request on both sides.
 */

export interface ReadTarget {
  phoneNumberId: string;
  apiKey: string;
  wamids: readonly string[];
}

function randomPicker(target: ReadTarget): () => string {
  const { wamids } = target;
  return () => wamids[Math.floor(Math.random() * wamids.length)] as string;
}

/** (a) The fixed-JSON baseline route, requested exactly like (b) apart from the path. */
export function fixedJsonRequests(target: ReadTarget): Request[] {
  const pick = randomPicker(target);
  return [
    {
      method: 'GET',
      headers: { 'X-API-Key': target.apiKey },
      setupRequest: (req) => {
        pick();
        return { ...req, path: '/_bench/fixed' };
      },
    },
  ];
}

/** (b) GET /v24.0/{phone_number_id}/messages/{wamid} over random stored wamids. */
export function messageByIdRequests(target: ReadTarget): Request[] {
  const pick = randomPicker(target);
  const prefix = `/v24.0/${target.phoneNumberId}/messages/`;
  return [
    {
      method: 'GET',
      headers: { 'X-API-Key': target.apiKey },
      setupRequest: (req) => ({ ...req, path: prefix + pick() }),
    },
  ];
}

export interface IngestTarget {
  number: BusinessNumber;
  appSecret: string;
  customers: number;
}

/** What the server acknowledged during an ingest run, to check against what it stored. */
export interface IngestLedger {
  /** Requests built (and so sent, or about to be when the run stopped). */
  built: number;
  /** Responses received, whatever their status. */
  answered: number;
  /** Wamids of messages whose payload was answered 2xx. */
  acknowledged: string[];
}

export function newLedger(): IngestLedger {
  return { built: 0, answered: 0, acknowledged: [] };
}

/**
 * (c)/(d) Signed webhook POSTs of `perPayload` fresh text messages from one random stored customer,
 * stamped now. Records every acknowledged wamid in `ledger`.
 */
export function ingestRequests(target: IngestTarget, perPayload: number, ledger: IngestLedger): Request[] {
  return [
    {
      method: 'POST',
      path: '/webhooks/whatsapp',
      headers: { 'Content-Type': 'application/json' },
      setupRequest: (req, context) => {
        const c = Math.floor(Math.random() * target.customers);
        const waId = customerWaId(c);
        const nowSec = Math.floor(Date.now() / 1000);
        const messages = Array.from({ length: perPayload }, (_, k) => textMessage(waId, randomWamid(), nowSec, ledger.built + k));
        const body = webhookBody(target.number, { waId, name: customerName(c) }, messages);
        context.wamids = messages.map((m) => m.id);
        ledger.built++;
        return { ...req, body, headers: { ...req.headers, 'X-Hub-Signature-256': signPayload(body, target.appSecret) } };
      },
      onResponse: (status, _body, context) => {
        ledger.answered++;
        if (status >= 200 && status < 300) ledger.acknowledged.push(...(context.wamids as string[]));
      },
    },
  ];
}
