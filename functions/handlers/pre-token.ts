import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { isReviewerRole, regionFitsRole } from '../domain/access.ts';
import { idProblem, normalizeId } from '../domain/resident-id.ts';

/**
 * Cognito pre-token-generation trigger (V2): copies the administrator-set custom attributes
 * `custom:role` and `custom:regionCode` into ID and access tokens as the plain claims `role`
 * and `regionCode` that the API reads (API.md). A user without a role is a citizen; a citizen
 * carries no jurisdiction. A reviewer's code must fit its role (village 12, town 9, city 6 or 4
 * digits, API.md v2), else it is dropped: no jurisdiction rather than a wider one. A citizen's
 * back-office-verified `custom:idNumber` becomes the `idNumber` claim (who may see a household).
 */
export const ROLES = ['citizen', 'village', 'town', 'city', 'admin', 'monitor'] as const;

export function claimsFor(attributes: Record<string, string | undefined>): Record<string, string> {
  const raw = attributes['custom:role'];
  const role = (ROLES as readonly string[]).includes(raw ?? '') ? raw! : 'citizen';
  const claims: Record<string, string> = { role };
  const regionCode = attributes['custom:regionCode'];
  if (isReviewerRole(role) && regionFitsRole(role, regionCode)) claims.regionCode = regionCode!;
  const idNumber = attributes['custom:idNumber'];
  if (role === 'citizen' && idNumber && !idProblem(normalizeId(idNumber))) claims.idNumber = normalizeId(idNumber);
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
