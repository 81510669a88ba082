import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteDef } from '../manifest-types.ts';
import type { JiuzhuFunction } from './function.ts';
import { acknowledge } from './nag.ts';

export interface JiuzhuHttpApiProps {
  apiName: string;
  routes: readonly RouteDef[];
  functions: Record<string, JiuzhuFunction>;
  jwt: { issuer: string; audience: string[] };
}

/**
 * The HTTP API: one route per manifest route, each integrated with its function (payload 2.0,
 * the event the local HTTP server builds too); `auth: 'jwt'` routes go through the JWT
 * authorizer, `auth: 'none'` routes are public. JSON access logs to a log group.
 */
export class JiuzhuHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: JiuzhuHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', { apiName: props.apiName, createDefaultStage: false });
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.SIX_MONTHS, removalPolicy: RemovalPolicy.RETAIN });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    const jwt = new HttpJwtAuthorizer('JwtAuthorizer', props.jwt.issuer, {
      jwtAudience: props.jwt.audience,
      identitySource: ['$request.header.Authorization'],
    });
    const none = new HttpNoneAuthorizer();
    const integrations = new Map<string, HttpLambdaIntegration>();
    const seen = new Set<string>();

    for (const route of props.routes) {
      const key = `${route.method} ${route.path}`;
      if (seen.has(key)) throw new Error(`route ${key} is declared twice`);
      seen.add(key);
      const fn = props.functions[route.function];
      if (!fn) throw new Error(`route ${key} names unknown function ${route.function}`);
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.function}Integration`, fn.function);
        integrations.set(route.function, integration);
      }
      const authorizer: IHttpRouteAuthorizer = route.auth === 'jwt' ? jwt : none;
      const [created] = this.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration, authorizer });
      if (route.auth === 'none' && created) {
        acknowledge(
          created,
          'AwsSolutions-APIG4',
          `The manifest declares ${key} public (auth: 'none'); every other route requires a Cognito JWT.`,
        );
      }
    }
  }

  get url(): string {
    return `https://${this.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/`;
  }
}
