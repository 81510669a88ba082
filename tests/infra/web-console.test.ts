import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispose, synth, type Synthesized } from './support.ts';

// Prepare: the real manifest's stack (no bundling: the template's shape is the same).
let s: Synthesized;
beforeAll(() => {
  s = synth({ bundle: false, id: 'JiuzhuWeb' });
}, 120_000);
afterAll(() => dispose(s));

describe('the web console in the stack', () => {
  it('keeps the files on a private bucket that only CloudFront reads, through origin access control', () => {
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.anyValue(),
    });
    s.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    s.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }) });
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' })]) },
    });
  });

  it('serves HTTPS only, with security headers and the app for its own routes', () => {
    s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: Match.anyValue() }),
        CustomErrorResponses: Match.arrayWith([Match.objectLike({ ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html' })]),
        Logging: Match.anyValue(),
      }),
    });
    const [, policy] = Object.entries(s.json.Resources).find(([, r]) => r.Type === 'AWS::CloudFront::ResponseHeadersPolicy')!;
    const sec = (policy.Properties!.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, any> }).SecurityHeadersConfig;
    expect(sec.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(sec.FrameOptions.FrameOption).toBe('DENY');
    expect(sec.ContentTypeOptions.Override).toBe(true);
    expect(JSON.stringify(sec.ContentSecurityPolicy.ContentSecurityPolicy)).toContain("script-src 'self'");
  });

  it('signs in through the hosted login with the authorization code flow, a public client (PKCE), back to the console', () => {
    s.template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayWith(['openid']),
      GenerateSecret: false,
      CallbackURLs: [Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['/auth/callback'])]) })],
    });
  });

  it('writes config.json at deploy with the API URL and the user pool, and lets only the console’s origin call the API', () => {
    const deployments = Object.values(s.json.Resources).filter((r) => r.Type === 'Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(1);
    const sources = JSON.stringify(deployments[0]!.Properties!.SourceMarkers ?? deployments[0]!.Properties);
    // config.json's deploy-time values: the API URL, the app client and the hosted-login domain.
    expect(sources).toMatch(/HttpApi|Api[0-9A-F]{8}/);
    expect(sources).toContain('WebClient');
    expect(sources).toContain('HostedLogin');
    const [, api] = Object.entries(s.json.Resources).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Api')!;
    const cors = api.Properties!.CorsConfiguration as { AllowOrigins: unknown[]; AllowHeaders: string[] };
    expect(JSON.stringify(cors.AllowOrigins)).toContain('DomainName');
    expect(cors.AllowHeaders).toEqual(expect.arrayContaining(['authorization', 'idempotency-key']));
  });

  it('has no unacknowledged cdk-nag finding from the hosting', () => {
    expect(s.violations).toEqual([]);
  });
});
