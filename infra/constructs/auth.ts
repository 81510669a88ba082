import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  UserPoolClient,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { JiuzhuFunction } from './function.ts';
import { acknowledge } from './nag.ts';

export interface JiuzhuAuthProps {
  projectRoot: string;
  appName: string;
}

/** The custom attributes behind the platform's `role` and `regionCode` claims (API.md). */
export const CLAIM_ATTRIBUTES = { role: 'custom:role', regionCode: 'custom:regionCode', idNumber: 'custom:idNumber' } as const;

/**
 * The Cognito user pool whose tokens the HTTP API's JWT authorizer accepts. Users carry the
 * custom attributes `role` and `regionCode`, which only administrators can set (the app client
 * may read but not write them); the pre-token-generation trigger (V2, needs the Plus plan)
 * copies them into ID and access tokens as the plain claims `role` and `regionCode`, exactly
 * the claims the local runtime's `POST /_local/token` issues.
 */
export class JiuzhuAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly issuer: string;
  readonly preToken: JiuzhuFunction;

  constructor(scope: Construct, id: string, props: JiuzhuAuthProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `${Stack.of(this).stackName}-users`,
      selfSignUpEnabled: true,
      signInAliases: { username: true, phone: true },
      autoVerify: { phone: true },
      customAttributes: {
        role: new StringAttribute({ minLen: 4, maxLen: 16, mutable: true }),
        regionCode: new StringAttribute({ minLen: 2, maxLen: 12, mutable: true }),
        // A citizen's real-name-verified ID number, set by the verification back office only.
        idNumber: new StringAttribute({ minLen: 18, maxLen: 18, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.PHONE_WITHOUT_MFA_AND_EMAIL,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const smsRole = this.userPool.node.tryFindChild('smsRole');
    if (smsRole) {
      acknowledge(
        smsRole,
        'AwsSolutions-IAM5[Resource::*]',
        'Cognito sends phone-verification SMS through this role; sns:Publish to a phone number has no resource ARN, so Resource * is the only form (the role trusts only cognito-idp with this pool\'s external id).',
      );
    }
    acknowledge(
      this.userPool.node.defaultChild!,
      'AwsSolutions-COG2',
      'Citizens (低保/特困 applicants, often elderly or without a smartphone authenticator) sign in to this pool too, so MFA is optional rather than required; TOTP is offered, and Plus-tier threat protection (ENFORCED) challenges risky sign-ins. Reviewer accounts are expected to enrol TOTP (docs/deploy.md).',
    );

    const standard = new ClientAttributes().withStandardAttributes({ phoneNumber: true, phoneNumberVerified: true, fullname: true });
    this.client = this.userPool.addClient('WebClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(7),
      readAttributes: standard.withCustomAttributes('role', 'regionCode'),
      // Not role / regionCode / idNumber: a user must never grant themselves a role, a jurisdiction or an identity.
      writeAttributes: new ClientAttributes().withStandardAttributes({ phoneNumber: true, fullname: true }),
    });

    this.preToken = new JiuzhuFunction(this, 'PreToken', {
      projectRoot: props.projectRoot,
      entry: 'functions/handlers/pre-token.ts',
      handler: 'handler',
      description: 'Cognito pre-token-generation trigger: custom:role / custom:regionCode → role / regionCode claims',
      serviceName: 'preToken',
      metricsNamespace: props.appName,
      memoryMb: 128,
      timeoutSeconds: 5,
    });
    this.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, this.preToken.function, LambdaVersion.V2_0);

    this.issuer = `https://cognito-idp.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/${this.userPool.userPoolId}`;
  }
}
