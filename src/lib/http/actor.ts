/**
 * Who asked for a run. Until there is access control this is what the request says of
 * itself (an `X-Runbook-Actor` header from a proxy or CLI) or the client address.
 */
export function actorOf(request: Request, clientAddress: string | undefined): string {
  const claimed = request.headers.get('x-runbook-actor')?.trim();
  if (claimed && /^[\w.@+ -]{1,64}$/.test(claimed)) return claimed;
  return `anonymous@${clientAddress ?? 'unknown'}`;
}
