import type { FastifyInstance } from 'fastify';

/**
 * The benchmark baseline: a constant JSON body of about 600 bytes, shaped like a stored message,
 * served by the same app with the same logger, so `npm run bench` can report GET-by-id as a
 * ratio of what the framework itself reaches on this machine. Only the bench's own gateway
 * process registers it (bench/gateway.ts); the production app has no such route.
 */
const FIXED = JSON.stringify({
  id: 'wamid.HBgLMTQxNTU1NTAxMjMVAgASGBQzRUIwMUFCQ0RFRjAxMjM0NTY3AA==',
  timestamp: '1767268800',
  type: 'text',
  from: '14155550123',
  to: '112233445566778',
  text: { body: 'Is my order ready? I placed it on Monday and the tracking page has not moved.' },
  kapso: {
    direction: 'inbound',
    status: 'received',
    processing_status: 'pending',
    origin: 'cloud_api',
    phone_number: '14155550123',
    phone_number_id: '112233445566778',
    has_media: false,
    whatsapp_conversation_id: '7d1c3e52-9a4b-4f0e-8c21-5b6a9d0e3f47',
    contact_name: 'Maya Chen',
    message_type_data: {},
    content: 'Is my order ready? I placed it on Monday and the tracking page has not moved.',
  },
});

export async function fixedJsonRoute(app: FastifyInstance): Promise<void> {
  app.get('/_bench/fixed', async (_request, reply) => reply.type('application/json').send(FIXED));
}
