import type { StartRunbookProblemCode, StartRunProblemCode } from '../runs/index.ts';

/** The codes the HTTP edge itself answers with. */
export const HTTP_ERROR_CODES = [
  'CrossOriginRefused',
  'MisdirectedRequest',
  'PayloadTooLarge',
  'RateLimited',
  'UnsupportedMediaType',
  'InvalidJson',
  'StartupFailed',
  'DocNotFound',
  'RunNotFound',
  'RunAlreadyFinished',
  'IncidentNotFound',
  'InvalidIncidentAction',
  'UnknownAction',
  'InvalidRunAllRequest',
  'RunbookRunNotFound',
  'RunbookRunAlreadyFinished',
  'SignInRequired',
  'RoleRequired',
  'InvalidToken',
  'CsrfTokenInvalid',
  'InvalidAuditQuery',
  'InvalidPageQuery',
  'InvalidSearchQuery',
] as const;

/** Every `code` an API error body can carry: permanent PascalCase names, never reworded. */
export type ApiErrorCode = (typeof HTTP_ERROR_CODES)[number] | StartRunProblemCode | StartRunbookProblemCode;
