import { BackstageCredentials } from '@backstage/backend-plugin-api';

/**
 * Who a request is recorded as: a user's entity ref, or a service's subject (for the
 * `by`/`createdBy` of what the API records).
 *
 * @internal
 */
export function callerOf(credentials: BackstageCredentials): string {
  const { principal } = credentials as BackstageCredentials<
    | { type: 'user'; userEntityRef: string }
    | { type: 'service'; subject: string }
  >;
  return principal.type === 'user'
    ? principal.userEntityRef
    : principal.subject;
}
