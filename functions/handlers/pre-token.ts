import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/**
 * Cognito pre-token-generation trigger (V2): copies the administrator-set custom attributes
 * `custom:role` and `custom:regionCode` into ID and access tokens as the plain claims `role`
 * and `regionCode` that the API reads (API.md). A user without a role is a citizen; a citizen
 * carries no jurisdiction.
 */
export const ROLES = ['citizen', 'village', 'town', 'city', 'admin', 'monitor'] as const;

export function claimsFor(attributes: Record<string, string | undefined>): Record<string, string> {
  const raw = attributes['custom:role'];
  const role = (ROLES as readonly string[]).includes(raw ?? '') ? raw! : 'citizen';
  const claims: Record<string, string> = { role };
  const regionCode = attributes['custom:regionCode'];
  if (role !== 'citizen' && regionCode && /^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/.test(regionCode)) claims.regionCode = regionCode;
  return claims;
}

export const handler = async (event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> => {
  const claims = claimsFor(event.request.userAttributes);
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride: claims },
      accessTokenGeneration: { claimsToAddOrOverride: claims },
    },
  };
  return event;
};
