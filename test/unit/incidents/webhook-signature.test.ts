import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature, WEBHOOK_HEADERS, webhookHeaders, webhookSignature } from '../../../src/lib/incidents/index.ts';

const SECRET = 'whsec-test-0123456789abcdef';
const BODY = '{"event":"incident.opened"}';
const AT = 1_767_225_600; // 2026-01-01T00:00:00Z
const NOW = AT * 1000;

describe('webhook signatures', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256, as openssl computes it', () => {
    // printf '%s' '1767225600.{"event":"incident.opened"}' | openssl dgst -sha256 -hmac 'whsec-test-0123456789abcdef'
    expect(webhookSignature(SECRET, AT, BODY)).toBe('v1=669c4c671908811a5e20c1c22a5a26986a65a45f6ee182a8470227c72335bf6d');
  });

  it('sends the delivery id, event, timestamp and signature headers; no signature without a secret', () => {
    const headers = webhookHeaders({ secret: SECRET, deliveryId: 'd-1', event: 'incident.opened', body: BODY, nowMs: NOW + 999 });
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      [WEBHOOK_HEADERS.delivery]: 'd-1',
      [WEBHOOK_HEADERS.event]: 'incident.opened',
      [WEBHOOK_HEADERS.timestamp]: String(AT),
      [WEBHOOK_HEADERS.signature]: webhookSignature(SECRET, AT, BODY),
    });
    const unsigned = webhookHeaders({ secret: null, deliveryId: 'd-1', event: 'incident.opened', body: BODY, nowMs: NOW });
    expect(unsigned[WEBHOOK_HEADERS.signature]).toBeUndefined();
    expect(unsigned[WEBHOOK_HEADERS.timestamp]).toBe(String(AT));
  });

  it('verifies what it signed, and refuses a changed body, another secret, a stale timestamp or missing headers, saying why', () => {
    const headers = webhookHeaders({ secret: SECRET, deliveryId: 'd-1', event: 'incident.opened', body: BODY, nowMs: NOW });
    const verify = (over: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      verifyWebhookSignature({ secret: SECRET, body: BODY, timestamp: headers[WEBHOOK_HEADERS.timestamp], signature: headers[WEBHOOK_HEADERS.signature], nowMs: NOW + 60_000, ...over });
    expect(verify({})).toEqual({ valid: true });
    expect(verify({ body: BODY.replace('opened', 'resolved') })).toEqual({ valid: false, reason: 'no v1 signature matches the body' });
    expect(verify({ secret: `${SECRET}x` })).toEqual({ valid: false, reason: 'no v1 signature matches the body' });
    expect(verify({ nowMs: NOW + 301_000 })).toEqual({ valid: false, reason: 'the timestamp is 301 s away from now' });
    expect(verify({ nowMs: NOW + 301_000, toleranceSeconds: 600 })).toEqual({ valid: true });
    expect(verify({ timestamp: undefined })).toEqual({ valid: false, reason: 'the timestamp header is missing or not unix seconds' });
    expect(verify({ timestamp: '12e3' })).toEqual({ valid: false, reason: 'the timestamp header is missing or not unix seconds' });
    expect(verify({ signature: undefined })).toEqual({ valid: false, reason: 'the signature header is missing' });
    // The timestamp is signed too: moving it forward to pass the tolerance breaks the signature.
    expect(verify({ timestamp: String(AT + 60) })).toEqual({ valid: false, reason: 'no v1 signature matches the body' });
  });

  it('accepts any one of several v1 signatures (a secret being rotated), and no truncated one', () => {
    const good = webhookSignature(SECRET, AT, BODY);
    const old = webhookSignature('an-older-secret-0123456789', AT, BODY);
    const verify = (signature: string) => verifyWebhookSignature({ secret: SECRET, body: BODY, timestamp: String(AT), signature, nowMs: NOW });
    expect(verify(`${old} ${good}`)).toEqual({ valid: true });
    expect(verify(`${old},${good}`)).toEqual({ valid: true });
    expect(verify(old).valid).toBe(false);
    expect(verify(good.slice(0, -2)).valid).toBe(false);
    expect(verify(good.replace('v1=', 'v0=')).valid).toBe(false);
  });
});
