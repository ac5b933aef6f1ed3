import { randomInt, randomUUID } from 'node:crypto';
import { signPayload } from '../../src/ingest/signature.ts';
import { addPhoneNumber, createProject } from '../../src/tenants/tenancy.ts';
import { loadFixture } from '../fixtures/meta/index.ts';
import type { TestGateway } from './harness.ts';

/** The phone number id the fixtures are written for; retarget() swaps it for a test's own. */
export const FIXTURE_PHONE_NUMBER_ID = '112233445566778';

export interface TestProject {
  projectId: string;
  apiKey: string;
}

export interface TestNumber {
  phoneNumberId: string;
  wabaId: string;
  appSecret: string;
  verifyToken: string;
  accessToken: string;
  displayPhoneNumber: string;
}

/** A fresh project with its API key. */
export async function newProject(gw: TestGateway, name = 'test'): Promise<TestProject> {
  const { project, apiKey } = await createProject(gw.deps, `${name}-${randomUUID().slice(0, 8)}`);
  return { projectId: project.id, apiKey };
}

/** Registers a fresh, unique phone number for a project. */
export async function newPhoneNumber(gw: TestGateway, projectId: string, opts: { graphUrl?: string } = {}): Promise<TestNumber> {
  const n: TestNumber = {
    phoneNumberId: `${randomInt(100_000, 999_999)}${randomInt(100_000_000, 999_999_999)}`,
    wabaId: `${randomInt(100_000, 999_999)}${randomInt(100_000_000, 999_999_999)}`,
    appSecret: `secret-${randomUUID()}`,
    verifyToken: `verify-${randomUUID()}`,
    accessToken: `token-${randomUUID()}`,
    displayPhoneNumber: `1555${randomInt(1_000_000, 9_999_999)}`,
  };
  await addPhoneNumber(gw.deps, {
    projectId,
    phoneNumberId: n.phoneNumberId,
    displayPhoneNumber: n.displayPhoneNumber,
    wabaId: n.wabaId,
    accessToken: n.accessToken,
    appSecret: n.appSecret,
    verifyToken: n.verifyToken,
    ...(opts.graphUrl ? { graphUrl: opts.graphUrl } : {}),
  });
  return n;
}

/** A project with one number: what most tests start from. */
export async function newTenant(gw: TestGateway): Promise<TestProject & TestNumber> {
  const project = await newProject(gw);
  return { ...project, ...(await newPhoneNumber(gw, project.projectId)) };
}

/** A fixture's raw text addressed to another phone number (and WABA), bytes otherwise unchanged. */
export function retarget(raw: string, to: { phoneNumberId: string; wabaId?: string }): string {
  let out = raw.split(FIXTURE_PHONE_NUMBER_ID).join(to.phoneNumberId);
  if (to.wabaId) out = out.split('109876543210987').join(to.wabaId);
  return out;
}

/** A named fixture addressed to the given number. */
export function fixtureFor(name: string, n: { phoneNumberId: string; wabaId?: string }): string {
  return retarget(loadFixture(name), n);
}

/** POSTs a raw webhook body to the gateway, signed with the given app secret. */
export function postWebhook(gw: TestGateway, body: string, appSecret: string, headers: Record<string, string> = {}) {
  return gw.app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, appSecret), ...headers },
    payload: body,
  });
}

/** GET a stored message through the Kapso-shaped API. */
export function getMessage(gw: TestGateway, apiKey: string, phoneNumberId: string, wamid: string, query = '') {
  return gw.app.inject({
    method: 'GET',
    url: `/v24.0/${phoneNumberId}/messages/${encodeURIComponent(wamid)}${query}`,
    headers: { 'x-api-key': apiKey },
  });
}

/** The first `messages[]` item of a webhook body. */
export function firstMessageOf(body: string): Record<string, unknown> & { id: string } {
  const parsed = JSON.parse(body) as { entry: Array<{ changes: Array<{ value: { messages: Array<{ id: string }> } }> }> };
  const message = parsed.entry[0]?.changes[0]?.value.messages[0];
  if (!message) throw new Error('fixture has no message');
  return message as Record<string, unknown> & { id: string };
}
