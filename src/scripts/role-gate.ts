/** The controls that change something (Run, Run runbook, cancel, incident actions) carry this attribute: they need the operator role. */
const OPERATOR_CONTROLS = '[data-needs-operator]';

/**
 * Disables the controls the signed-in principal may not use, with the reason beside them.
 * Doc pages are rendered once for everyone, so this is done here rather than in the markup;
 * the server refuses the request regardless.
 */
export function gateOperatorControls(): void {
  const reason = document.body.dataset.operatorRefusal;
  if (!reason) return;
  const gate = (root: ParentNode) => {
    for (const control of root.querySelectorAll<HTMLButtonElement | HTMLInputElement>(OPERATOR_CONTROLS)) {
      if (control.dataset.gated) continue;
      control.dataset.gated = 'true';
      control.disabled = true;
      control.title = reason;
      // Hidden controls (a cancel button with no run to cancel) are disabled without a note.
      if (control instanceof HTMLButtonElement && !control.closest('[hidden]')) {
        const note = document.createElement('span');
        note.className = 'role-note small';
        note.textContent = reason;
        control.after(note);
      }
    }
  };
  gate(document);
  new MutationObserver(() => gate(document)).observe(document.body, { childList: true, subtree: true });
}

/** The header's sign-out button: POSTs with the CSRF token, then goes home. */
export function wireSignOut(): void {
  document.querySelector<HTMLButtonElement>('#sign-out')?.addEventListener('click', async () => {
    const token = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
    await fetch('/auth/sign-out', { method: 'POST', headers: { 'x-csrf-token': token } });
    location.href = '/';
  });
}
