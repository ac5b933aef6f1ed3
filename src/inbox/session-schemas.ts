import { z } from 'zod';

/* Request and answer shapes of the inbox's sign-in routes (docs/inbox-api.md "Signing in"). */

const sessionView = z.object({
  user: z.object({ id: z.string(), email: z.string(), role: z.string(), project_id: z.string(), project_name: z.string() }),
  csrf_token: z.string(),
});

export const signInSchema = {
  body: z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1024) }),
  response: { 200: sessionView },
};

export const getSessionSchema = { response: { 200: sessionView } };

export const signInLinkSchema = { params: z.object({ token: z.string().max(100) }) };
