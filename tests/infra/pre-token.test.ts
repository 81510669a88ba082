import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { claimsFor, handler } from '../../functions/handlers/pre-token.ts';

const event = (attrs: Record<string, string>): PreTokenGenerationV2TriggerEvent =>
  ({
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'us-east-1',
    userPoolId: 'pool',
    userName: 'u',
    callerContext: { awsSdkVersion: 'x', clientId: 'c' },
    request: { userAttributes: { sub: 'abc', ...attrs }, groupConfiguration: {} },
    response: { claimsAndScopeOverrideDetails: {} },
  }) as PreTokenGenerationV2TriggerEvent;

describe('pre-token-generation trigger', () => {
  it('puts role and regionCode into the ID and access tokens', async () => {
    // Act
    const out = await handler(event({ 'custom:role': 'town', 'custom:regionCode': '610124121' }));
    // Assess
    const expected = { role: 'town', regionCode: '610124121' };
    expect(out.response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToAddOrOverride).toEqual(expected);
    expect(out.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual(expected);
  });

  it('makes a user without a (known) role a citizen without jurisdiction', () => {
    expect(claimsFor({})).toEqual({ role: 'citizen' });
    expect(claimsFor({ 'custom:role': 'superuser', 'custom:regionCode': '61' })).toEqual({ role: 'citizen' });
    expect(claimsFor({ 'custom:role': 'citizen', 'custom:regionCode': '610124121200' })).toEqual({ role: 'citizen' });
  });

  it('drops a malformed regionCode rather than widen a jurisdiction', () => {
    expect(claimsFor({ 'custom:role': 'village', 'custom:regionCode': '61012' })).toEqual({ role: 'village' });
    expect(claimsFor({ 'custom:role': 'admin', 'custom:regionCode': '' })).toEqual({ role: 'admin' });
    expect(claimsFor({ 'custom:role': 'city', 'custom:regionCode': '6101' })).toEqual({ role: 'city', regionCode: '6101' });
  });
});
