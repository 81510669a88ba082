import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { CfnApi, HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { CfnUserPoolClient, type UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledge, nagRef } from './nag.ts';

export interface JiuzhuWebConsoleProps {
  projectRoot: string;
  appName: string;
  userPool: UserPool;
  client: UserPoolClient;
  issuer: string;
  httpApi: HttpApi;
  apiUrl: string;
  removalPolicy: RemovalPolicy;
}

/**
 * The web console in AWS: web/dist on a private S3 bucket, served only through CloudFront
 * (origin access control, HTTPS only, security headers), signing in through the Cognito user
 * pool's hosted login with the authorization code flow and PKCE (a public client, no secret).
 * config.json is written into the bucket at deploy with the API URL and the pool's endpoints;
 * the HTTP API answers CORS for the console's origin only.
 */
export class JiuzhuWebConsole extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly url: string;
  readonly loginDomain: string;

  constructor(scope: Construct, id: string, props: JiuzhuWebConsoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const logs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logs are delivered with ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: props.removalPolicy,
    });
    acknowledge(logs, 'AwsSolutions-S1', 'This bucket holds the console bucket’s and CloudFront’s access logs; logging the log bucket into itself would loop, and a third bucket would only log reads of logs.');

    this.bucket = new Bucket(this, 'Site', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    // Hosted-login prefixes are global across AWS: set -c jiuzhu:loginDomainPrefix=<yours> per deployment.
    const fallbackPrefix = `${props.appName}-${Names.uniqueId(this).slice(-8)}`.toLowerCase().replace(/[^a-z0-9-]/g, '');
    const cognitoDomainPrefix = String(this.node.tryGetContext('jiuzhu:loginDomainPrefix') ?? fallbackPrefix);
    const domain = props.userPool.addDomain('HostedLogin', { cognitoDomain: { domainPrefix: cognitoDomainPrefix } });
    this.loginDomain = domain.baseUrl();

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `${props.appName} console: security headers`,
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, preload: false, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            `connect-src 'self' https://*.execute-api.${stack.region}.${stack.urlSuffix} https://cognito-idp.${stack.region}.${stack.urlSuffix} https://*.amazoncognito.com`,
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self' https://*.amazoncognito.com",
          ].join('; '),
          override: true,
        },
      },
    });

    this.distribution = new Distribution(this, 'Cdn', {
      comment: `${props.appName} web console`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_ALL,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cdn/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      // The console's own routes (/review/tasks) are the app: S3 answers 403 for a missing key.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(0) })),
    });
    acknowledge(this.distribution, 'AwsSolutions-CFR1', 'The console serves citizens and civil-affairs staff in mainland China, who may travel or use roaming networks; geo restriction would lock them out while the API’s JWT checks are what protect the data.');
    acknowledge(this.distribution, 'AwsSolutions-CFR2', 'The distribution serves only static files (no API behind it); the HTTP API and Cognito (Plus threat protection) carry the authenticated traffic. A WAF web ACL is recommended per deployment in docs/deploy.md rather than forced here.');
    acknowledge(this.distribution, 'AwsSolutions-CFR4', 'The default *.cloudfront.net certificate is used until a deployment brings its own domain and ACM certificate; viewers are redirected to HTTPS and modern browsers negotiate TLS 1.2+.');
    this.url = `https://${this.distribution.distributionDomainName}`;

    // Hosted login: authorization code (PKCE for a public client), back to the console.
    const cfnClient = props.client.node.defaultChild as CfnUserPoolClient;
    cfnClient.allowedOAuthFlowsUserPoolClient = true;
    cfnClient.allowedOAuthFlows = ['code'];
    cfnClient.allowedOAuthScopes = ['openid', 'email', 'profile', 'phone'];
    cfnClient.callbackUrLs = [`${this.url}/auth/callback`];
    cfnClient.logoutUrLs = [`${this.url}/login`];
    cfnClient.supportedIdentityProviders = ['COGNITO'];

    // The API answers CORS for the console's origin only (bearer tokens, no cookies).
    (props.httpApi.node.defaultChild as CfnApi).corsConfiguration = {
      allowOrigins: [this.url],
      allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
      allowMethods: ['GET', 'POST', 'PUT', 'OPTIONS'],
      maxAge: 600,
    };

    const dist = join(props.projectRoot, 'web', 'dist');
    const built = existsSync(join(dist, 'index.html'));
    if (!built) Annotations.of(this).addWarningV2('jiuzhu:web-not-built', 'web/dist is missing: run `npm run build:web` before `cdk deploy` (a placeholder page is deployed).');
    const deployment = new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      sources: [
        built ? Source.asset(dist, { exclude: ['.source-hash', '.build-report.json'] }) : Source.data('index.html', '<!doctype html><meta charset="utf-8"><title>救助</title><p>npm run build:web, then deploy again.</p>'),
        Source.jsonData('config.json', {
          auth: 'cognito',
          apiUrl: props.apiUrl,
          cognito: { authority: props.issuer, clientId: props.client.userPoolClientId, domain: this.loginDomain },
        }),
      ],
      prune: true,
      memoryLimit: 512,
    });
    // CDK's own deployment handler (a singleton at stack level): copies the assets into the bucket.
    const provider = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (provider) {
      const why = 'CDK’s BucketDeployment handler, which copies web/dist and config.json into the console bucket at deploy';
      acknowledge(provider, 'AwsSolutions-L1', `${why}: its runtime is pinned by aws-cdk-lib and moves with CDK upgrades, not by this project.`);
      acknowledge(provider, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', `${why}: the AWS-managed basic execution policy only lets it write its own logs.`);
      const bucketArn = nagRef(this.bucket.node.defaultChild as import('aws-cdk-lib').CfnElement, 'Arn');
      for (const finding of [
        'Action::s3:Abort*',
        'Action::s3:DeleteObject*',
        'Action::s3:GetBucket*',
        'Action::s3:GetObject*',
        'Action::s3:List*',
        'Resource::*',
        `Resource::${bucketArn}/*`,
        'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
      ]) {
        acknowledge(provider, `AwsSolutions-IAM5[${finding}]`, `${why}: CDK's grant on the console bucket's objects and the CDK asset bucket (object-level wildcards by construction), and CloudFront invalidation (no resource-level ARN form).`);
      }
    }
    void deployment;
  }
}
