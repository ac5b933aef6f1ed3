import type { Member } from './member-auth.ts';

/** The `Session` object of docs/inbox-api.md. */
export interface SessionView {
  user: { id: string; email: string; role: string; project_id: string; project_name: string };
  csrf_token: string;
}

/** Presents the signed-in member as the inbox's `Session`. */
export function presentSession(member: Pick<Member, 'userId' | 'email' | 'role' | 'projectId' | 'projectName' | 'csrfToken'>): SessionView {
  return {
    user: { id: member.userId, email: member.email, role: member.role, project_id: member.projectId, project_name: member.projectName },
    csrf_token: member.csrfToken,
  };
}
