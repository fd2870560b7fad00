// A loopback stand-in for the AWS APIs the coverage audit reads, for which no local server
// exists: STS, Organizations, EC2, ELBv2, CloudTrail, EventBridge, CloudWatch Logs, Kinesis
// (DescribeStreamSummary), Route 53 Resolver, WAFv2, Network Firewall, Config, GuardDuty,
// Security Hub, Inspector, Macie, Route 53 and CloudFront. It speaks each service's protocol
// (query/EC2 XML, JSON 1.0/1.1 with X-Amz-Target, REST-JSON, REST-XML), checks every request's
// SigV4 signature, takes the account from the access key and the region and service from the
// credential scope, as AWS does, pages its lists, throttles now and then, and refuses what the
// scenario says the audit role may not do.
//
//   node aws_standin.mjs --scenario org          3 accounts x 3 regions, one gap of every kind
//   node aws_standin.mjs --scenario bench --accounts 50 --regions 17   all wired, for timing
//   ... --latency-ms 40                          every answer 40 ms late (a distant endpoint)
// Prints "listening PORT" once ready. Response shapes follow the botocore service models
// (member names, pagination tokens): with --responses FILE every answer is recorded, and
// aws_standin_shapes.mjs checks them against the models.
import http from 'node:http';
import crypto from 'node:crypto';
import { scenario } from './aws_standin_world.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
  return acc;
}, []));
const world = scenario(args.scenario || 'org', +(args.accounts || 0), +(args.regions || 0));
const throttleEvery = +(args['throttle-every'] || world.throttleEvery || 0);
const latencyMs = +(args['latency-ms'] || 0);
const log = args.log ? (await import('node:fs')).createWriteStream(args.log) : null;

// Access keys: the caller's long-term key, and one per AssumeRole answer.
const keys = new Map([[world.callerKey, { secret: world.callerSecret, account: world.caller }]]);
let requestCount = 0;

function hmac(key, data) { return crypto.createHmac('sha256', key).update(data).digest(); }
function sha256(data) { return crypto.createHash('sha256').update(data).digest('hex'); }
function uriEncode(s, slash) {
  const e = encodeURIComponent(s).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return slash ? e.replace(/%2F/g, '/') : e;
}

// SigV4 as AWS checks it (non-S3 services: the path is normalised and encoded once more).
function verify(req, body) {
  const auth = req.headers.authorization || '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { error: ['IncompleteSignature', 'Authorization header is not SigV4'] };
  const [, akid, date, region, service, signed, signature] = m;
  const key = keys.get(akid);
  if (!key) return { error: ['UnrecognizedClientException', `The security token included in the request is invalid (${akid})`] };
  const url = new URL(req.url, 'http://x');
  const path = url.pathname.split('/').map(p => uriEncode(decodeURIComponent(p), false)).join('/');
  const query = [...url.searchParams].map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1).map(p => p.join('=')).join('&');
  const headers = signed.split(';').map(h => `${h}:${String(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonical = [req.method, path || '/', query, headers, signed, req.headers['x-amz-content-sha256'] || sha256(body)].join('\n');
  const stamp = req.headers['x-amz-date'];
  const toSign = ['AWS4-HMAC-SHA256', stamp, `${date}/${region}/${service}/aws4_request`, sha256(canonical)].join('\n');
  let k = hmac('AWS4' + key.secret, date);
  for (const part of [region, service, 'aws4_request']) k = hmac(k, part);
  if (hmac(k, toSign).toString('hex') !== signature) {
    if (process.env.STANDIN_DEBUG) console.error(`signature mismatch; canonical request:\n${canonical}\n`);
    return { error: ['SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided'] };
  }
  return { akid, account: key.account, region, service };
}

const xmlEsc = s => String(s).replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
// {a: 1, b: [..]} -> <a>1</a><b>..</b>; arrays become repeated `item` (EC2), `member` (query) or
// a named element (REST-XML), chosen by the caller through [tag, list].
function xml(obj) {
  if (obj === null || obj === undefined) return '';
  if (typeof obj !== 'object') return xmlEsc(obj);
  let out = '';
  for (const [k, v] of Object.entries(obj)) {
    if (v && v.$list) { out += `<${k}>` + v.$list.map(x => `<${v.$tag}>${xml(x)}</${v.$tag}>`).join('') + `</${k}>`; continue; }
    out += `<${k}>${xml(v)}</${k}>`;
  }
  return out;
}
const list = (tag, items) => ({ $tag: tag, $list: items });

// --responses FILE: every successful answer, for aws_standin_shapes.mjs to check against the
// botocore models.
const responses = args.responses ? (await import('node:fs')).createWriteStream(args.responses) : null;
function send(res, status, body, type, extra = {}) {
  if (responses && res.call && status < 300) responses.write(JSON.stringify({ ...res.call, body }) + '\n');
  res.writeHead(status, { 'Content-Type': type, 'x-amzn-RequestId': crypto.randomUUID(), ...extra });
  res.end(body);
}
function jsonOk(res, obj, version = '1.1') { send(res, 200, JSON.stringify(obj), `application/x-amz-json-${version}`); }
function jsonErr(res, status, code, message) {
  send(res, status, JSON.stringify({ __type: code, message }), 'application/x-amz-json-1.1', { 'x-amzn-ErrorType': code });
}
function restJsonErr(res, status, code, message) {
  send(res, status, JSON.stringify({ message, Code: code, Message: message }), 'application/json', { 'x-amzn-ErrorType': code });
}
function queryOk(res, action, result, ns) {
  send(res, 200, `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${ns}"><${action}Result>${xml(result)}</${action}Result><ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></${action}Response>`, 'text/xml');
}
function queryErr(res, status, code, message) {
  send(res, status, `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEsc(message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`, 'text/xml');
}
function s3Err(res, status, code, message) {
  send(res, status, `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEsc(message)}</Message><RequestId>${crypto.randomUUID()}</RequestId></Error>`, 'application/xml');
}
function ec2Ok(res, action, result) {
  send(res, 200, `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${crypto.randomUUID()}</requestId>${xml(result)}</${action}Response>`, 'text/xml');
}
function ec2Err(res, status, code, message) {
  send(res, status, `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${xmlEsc(message)}</Message></Error></Errors><RequestID>${crypto.randomUUID()}</RequestID></Response>`, 'text/xml');
}
function restXmlOk(res, root, body, ns) { send(res, 200, `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${ns}">${xml(body)}</${root}>`, 'text/xml'); }

// Pages `items` by an opaque token: the next start index.
function page(items, token, size) {
  const start = token ? +Buffer.from(token, 'base64').toString() : 0;
  const end = start + size;
  return { items: items.slice(start, end), next: end < items.length ? Buffer.from(String(end)).toString('base64') : undefined };
}

// The operations, by service. Each gets (ctx, input) and answers through ctx.
const THROTTLE = {
  json: ['ThrottlingException', 'Rate exceeded'], ec2: ['RequestLimitExceeded', 'Request limit exceeded.'],
  query: ['Throttling', 'Rate exceeded'], rest: ['TooManyRequestsException', 'Rate exceeded'],
};

function handle(req, res, body) {
  const who = verify(req, body);
  const target = req.headers['x-amz-target'] || '';
  const form = (req.headers['content-type'] || '').startsWith('application/x-www-form-urlencoded')
    ? Object.fromEntries(new URLSearchParams(body)) : null;
  const kind = form ? (form.Action && who.service === 'ec2' ? 'ec2' : 'query') : target ? 'json' : 'rest';
  const fail = (status, code, message) => kind === 'json' ? jsonErr(res, status, code, message)
    : kind === 'ec2' ? ec2Err(res, status, code, message)
    : kind === 'query' ? queryErr(res, status, code, message)
    : (who.service === 'route53' || who.service === 'cloudfront') ? queryErr(res, status, code, message)
    : who.service === 's3' ? s3Err(res, status, code, message)
    : restJsonErr(res, status, code, message);
  if (who.error) return fail(403, ...who.error);
  const op = form ? form.Action : target ? target.split('.').pop() : `${req.method} ${new URL(req.url, 'http://x').pathname}`;
  requestCount++;
  if (log) log.write(`${who.account} ${who.region} ${who.service} ${op}\n`);
  res.call = { service: who.service, kind, op: kind === 'rest' ? null : op, method: req.method, url: req.url };
  // Throttle now and then (never STS: the SDKs' chain would not retry it either).
  if (throttleEvery && who.service !== 'sts' && requestCount % throttleEvery === 0) {
    if (log) log.write(`throttled ${who.service} ${op}\n`);
    return fail(kind === 'ec2' ? 503 : 400, ...THROTTLE[kind === 'rest' ? 'rest' : kind]);
  }
  const acct = world.accounts.get(who.account);
  const denied = world.denied(who.account, who.region, who.service, op);
  if (denied) return fail(403, kind === 'ec2' ? 'UnauthorizedOperation' : kind === 'json' || kind === 'rest' ? 'AccessDeniedException' : 'AccessDenied',
    `User: arn:aws:sts::${who.account}:assumed-role/${world.roleName}/fastpath-audit is not authorized to perform: ${denied}`);
  const R = who.region;
  const here = acct && acct.regions[R];
  const input = form || (body && kind !== 'rest' ? JSON.parse(body) : {});
  const rest = kind === 'rest' ? new URL(req.url, 'http://x') : null;

  switch (who.service) {
    case 'sts': {
      const ns = 'https://sts.amazonaws.com/doc/2011-06-15/';
      if (op === 'GetCallerIdentity') {
        return queryOk(res, op, { UserId: who.akid, Account: who.account, Arn: `arn:aws:iam::${who.account}:user/auditor` }, ns);
      }
      if (op === 'AssumeRole') {
        const m = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(input.RoleArn || '');
        const target = m && world.accounts.get(m[1]);
        if (!m || !target || !target.roleTrusts || m[2] !== world.roleName) {
          return queryErr(res, 403, 'AccessDenied', `User: arn:aws:iam::${who.account}:user/auditor is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`);
        }
        const akid = 'ASIA' + m[1] + crypto.randomBytes(2).toString('hex').toUpperCase();
        const secret = crypto.randomBytes(20).toString('base64');
        keys.set(akid, { secret, account: m[1] });
        return queryOk(res, op, {
          Credentials: { AccessKeyId: akid, SecretAccessKey: secret, SessionToken: 'session-' + akid, Expiration: new Date(Date.now() + 3600e3).toISOString() },
          AssumedRoleUser: { AssumedRoleId: `AROA${m[1]}:${input.RoleSessionName}`, Arn: `arn:aws:sts::${m[1]}:assumed-role/${m[2]}/${input.RoleSessionName}` },
        }, ns);
      }
      break;
    }
    case 'organizations': {
      if (op === 'DescribeOrganization') {
        return jsonOk(res, { Organization: { Id: world.orgId, Arn: `arn:aws:organizations::${world.caller}:organization/${world.orgId}`, MasterAccountId: world.caller, MasterAccountArn: `arn:aws:organizations::${world.caller}:account/${world.orgId}/${world.caller}`, FeatureSet: 'ALL' } });
      }
      if (op === 'ListAccounts') {
        const all = [...world.accounts.values()].map(a => ({ Id: a.id, Arn: `arn:aws:organizations::${world.caller}:account/${world.orgId}/${a.id}`, Email: `aws+${a.name}@example.com`, Name: a.name, Status: a.status, JoinedMethod: a.id === world.caller ? 'CREATED' : 'INVITED', JoinedTimestamp: 1700000000 }));
        const p = page(all, input.NextToken, 2);
        return jsonOk(res, { Accounts: p.items, NextToken: p.next });
      }
      break;
    }
    case 'ec2': {
      if (op === 'DescribeRegions') {
        return ec2Ok(res, op, { regionInfo: list('item', world.regionInfo.map(r => ({ regionName: r.name, regionEndpoint: `ec2.${r.name}.amazonaws.com`, optInStatus: r.optIn }))) });
      }
      if (op === 'DescribeVpcs') {
        const p = page(here.vpcs, input.NextToken, 1);
        return ec2Ok(res, op, { vpcSet: list('item', p.items.map(v => ({ vpcId: v.id, state: 'available', cidrBlock: v.cidr, ownerId: who.account, isDefault: 'false' }))), nextToken: p.next });
      }
      if (op === 'DescribeFlowLogs') {
        const p = page(here.flowLogs, input.NextToken, 2);
        return ec2Ok(res, op, { flowLogSet: list('item', p.items.map(f => ({ creationTime: '2026-01-01T00:00:00.000Z', deliverLogsErrorMessage: f.error, deliverLogsStatus: f.delivery, flowLogId: f.id, flowLogStatus: f.status, resourceId: f.vpc, trafficType: f.traffic, logDestinationType: 's3', logDestination: `arn:aws:s3:::logs-${who.account}`, logFormat: f.format }))), nextToken: p.next });
      }
      break;
    }
    case 'elasticloadbalancing': {
      const ns = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
      if (op === 'DescribeLoadBalancers') {
        const p = page(here.lbs, input.Marker, 1);
        return queryOk(res, op, { LoadBalancers: list('member', p.items.map(l => ({ LoadBalancerArn: l.arn, LoadBalancerName: l.name, Type: l.type, Scheme: 'internet-facing', State: { Code: 'active' } }))), NextMarker: p.next }, ns);
      }
      if (op === 'DescribeLoadBalancerAttributes') {
        const lb = here.lbs.find(l => l.arn === input.LoadBalancerArn);
        if (!lb) return queryErr(res, 400, 'LoadBalancerNotFound', `Load balancer '${input.LoadBalancerArn}' not found`);
        return queryOk(res, op, { Attributes: list('member', [{ Key: 'access_logs.s3.enabled', Value: String(lb.logs) }, { Key: 'access_logs.s3.bucket', Value: lb.logs ? `logs-${who.account}` : '' }, { Key: 'deletion_protection.enabled', Value: 'true' }]) }, ns);
      }
      break;
    }
    case 'cloudtrail': {
      if (op === 'DescribeTrails') {
        return jsonOk(res, { trailList: world.trailsVisible(who.account, R).map(t => t.describe) });
      }
      const t = world.trailByArn(input.Name || input.TrailName);
      if (!t) return jsonErr(res, 400, 'TrailNotFoundException', `Unknown trail: ${input.Name || input.TrailName} for the user: ${who.account}`);
      if (op === 'GetTrailStatus') return jsonOk(res, t.status);
      if (op === 'GetEventSelectors') return jsonOk(res, { TrailARN: t.describe.TrailARN, ...t.selectors });
      break;
    }
    case 'events': {
      if (op === 'ListRules') {
        const p = page(here.rules, input.NextToken, 2);
        return jsonOk(res, { Rules: p.items.map(r => ({ Name: r.name, Arn: `arn:aws:events:${R}:${who.account}:rule/${r.name}`, EventPattern: r.pattern, ScheduleExpression: r.schedule, State: r.state, EventBusName: 'default' })), NextToken: p.next });
      }
      if (op === 'ListTargetsByRule') {
        const r = here.rules.find(x => x.name === input.Rule);
        if (!r) return jsonErr(res, 400, 'ResourceNotFoundException', `Rule ${input.Rule} does not exist on EventBus default.`);
        return jsonOk(res, { Targets: r.targets.map((t, i) => ({ Id: `t${i}`, Arn: t.arn, RoleArn: `arn:aws:iam::${who.account}:role/eventbridge-forward`, ...(t.dlq ? { DeadLetterConfig: { Arn: t.dlq } } : {}) })) });
      }
      if (op === 'DescribeEventBus') {
        const bus = world.centralBus;
        if (input.Name !== bus.arn && input.Name !== bus.name) return jsonErr(res, 400, 'ResourceNotFoundException', `Event bus ${input.Name} does not exist.`);
        return jsonOk(res, { Name: bus.name, Arn: bus.arn, Policy: JSON.stringify(bus.policy) });
      }
      break;
    }
    case 'logs': {
      if (op === 'DescribeAccountPolicies') {
        return jsonOk(res, { accountPolicies: here.accountPolicies.map(p => ({ policyName: p.name, policyDocument: JSON.stringify({ DestinationArn: p.destination, FilterPattern: '' }), lastUpdatedTime: 1700000000000, policyType: 'SUBSCRIPTION_FILTER_POLICY', scope: 'ALL', selectionCriteria: p.criteria, accountId: who.account })) });
      }
      if (op === 'DescribeLogGroups') {
        const matching = here.logGroups.filter(g => g.name.startsWith(input.logGroupNamePrefix || ''));
        const p = page(matching, input.nextToken, 1);
        return jsonOk(res, { logGroups: p.items.map(g => ({ logGroupName: g.name, creationTime: 1700000000000, arn: `arn:aws:logs:${R}:${who.account}:log-group:${g.name}:*`, storedBytes: 1024 })), nextToken: p.next });
      }
      if (op === 'DescribeSubscriptionFilters') {
        const g = here.logGroups.find(x => x.name === input.logGroupName);
        if (!g) return jsonErr(res, 400, 'ResourceNotFoundException', 'The specified log group does not exist.');
        return jsonOk(res, { subscriptionFilters: g.filters.map(f => ({ filterName: f.name, logGroupName: g.name, filterPattern: '', destinationArn: f.destination, roleArn: `arn:aws:iam::${who.account}:role/logs-to-kinesis`, distribution: 'ByLogStream', creationTime: 1700000000000 })) });
      }
      break;
    }
    case 'kinesis': {
      if (op === 'DescribeStreamSummary') {
        const s = here.streams.find(x => x === input.StreamARN || x.endsWith('/' + input.StreamName));
        if (!s) return jsonErr(res, 400, 'ResourceNotFoundException', `Stream ${input.StreamARN || input.StreamName} under account ${who.account} not found.`);
        return jsonOk(res, { StreamDescriptionSummary: { StreamName: s.split('/').pop(), StreamARN: s, StreamStatus: 'ACTIVE', RetentionPeriodHours: 24, StreamCreationTimestamp: 1700000000, EnhancedMonitoring: [], OpenShardCount: 2 } });
      }
      break;
    }
    case 'route53resolver': {
      if (op === 'ListResolverQueryLogConfigAssociations') {
        const p = page(here.resolverAssociations, input.NextToken, 1);
        return jsonOk(res, { TotalCount: here.resolverAssociations.length, TotalFilteredCount: here.resolverAssociations.length, ResolverQueryLogConfigAssociations: p.items.map((vpc, i) => ({ Id: `rqlca-${vpc}`, ResolverQueryLogConfigId: 'rqlc-fastpath', ResourceId: vpc, Status: 'ACTIVE', CreationTime: '2026-01-01T00:00:00Z' })), NextToken: p.next });
      }
      break;
    }
    case 'wafv2': {
      if (op === 'ListWebACLs') {
        const p = page(here.webAcls, input.NextMarker, 100);
        return jsonOk(res, { WebACLs: p.items.map(a => ({ Name: a.name, Id: a.id, ARN: a.arn, LockToken: crypto.randomUUID() })), NextMarker: p.next });
      }
      if (op === 'ListLoggingConfigurations') {
        return jsonOk(res, { LoggingConfigurations: here.webAcls.filter(a => a.logged).map(a => ({ ResourceArn: a.arn, LogDestinationConfigs: [`arn:aws:firehose:${R}:${who.account}:deliverystream/aws-waf-logs-fastpath`] })) });
      }
      break;
    }
    case 'network-firewall': {
      if (op === 'ListFirewalls') return jsonOk(res, { Firewalls: here.firewalls.map(f => ({ FirewallName: f.name, FirewallArn: f.arn })) }, '1.0');
      if (op === 'DescribeLoggingConfiguration') {
        const f = here.firewalls.find(x => x.arn === input.FirewallArn);
        if (!f) return jsonErr(res, 400, 'ResourceNotFoundException', 'Firewall not found');
        return jsonOk(res, { FirewallArn: f.arn, LoggingConfiguration: { LogDestinationConfigs: f.logTypes.map(t => ({ LogType: t, LogDestinationType: 'S3', LogDestination: { bucketName: `logs-${who.account}` } })) } }, '1.0');
      }
      break;
    }
    case 'config': {
      const c = here.config;
      if (op === 'DescribeConfigurationRecorders') return jsonOk(res, { ConfigurationRecorders: c.recorder ? [{ name: 'default', roleARN: `arn:aws:iam::${who.account}:role/config`, recordingGroup: { allSupported: true, includeGlobalResourceTypes: R === 'us-east-1' } }] : [] });
      if (op === 'DescribeConfigurationRecorderStatus') return jsonOk(res, { ConfigurationRecordersStatus: c.recorder ? [{ name: 'default', recording: c.recording, lastStatus: c.failing ? 'Failure' : 'Success', lastErrorCode: c.failing ? 'AccessDenied' : undefined, lastErrorMessage: c.failing ? 'Insufficient delivery policy to s3 bucket' : undefined }] : [] });
      if (op === 'DescribeDeliveryChannels') return jsonOk(res, { DeliveryChannels: c.channel ? [{ name: 'default', s3BucketName: `config-${who.account}` }] : [] });
      break;
    }
    case 'guardduty': {
      const g = here.guardduty;
      const m = /^\/detector(?:\/([^/]+)(\/publishingDestination)?)?$/.exec(rest.pathname);
      if (m && !m[1]) return send(res, 200, JSON.stringify({ detectorIds: g.detector ? [g.detector] : [] }), 'application/json');
      if (m && m[1] !== g.detector) return restJsonErr(res, 400, 'BadRequestException', 'The request is rejected because the input detectorId is not owned by the current account.');
      if (m && !m[2]) return send(res, 200, JSON.stringify({ createdAt: '2026-01-01T00:00:00.000Z', findingPublishingFrequency: 'FIFTEEN_MINUTES', serviceRole: `arn:aws:iam::${who.account}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`, status: g.enabled ? 'ENABLED' : 'DISABLED', updatedAt: '2026-01-01T00:00:00.000Z' }), 'application/json');
      if (m) return send(res, 200, JSON.stringify({ destinations: g.exporting ? [{ destinationId: 'd1', destinationType: 'S3', status: 'PUBLISHING' }] : [] }), 'application/json');
      break;
    }
    case 'securityhub': {
      const s = here.securityhub;
      if (rest.pathname === '/accounts') {
        if (!s.enabled) return restJsonErr(res, 401, 'InvalidAccessException', `Account ${who.account} is not subscribed to AWS Security Hub`);
        return send(res, 200, JSON.stringify({ HubArn: `arn:aws:securityhub:${R}:${who.account}:hub/default`, SubscribedAt: '2026-01-01T00:00:00.000Z', AutoEnableControls: true, ControlFindingGenerator: 'SECURITY_CONTROL' }), 'application/json');
      }
      if (rest.pathname === '/findingAggregator/list') {
        return send(res, 200, JSON.stringify({ FindingAggregators: s.aggregator ? [{ FindingAggregatorArn: `arn:aws:securityhub:${R}:${who.account}:finding-aggregator/fa1` }] : [] }), 'application/json');
      }
      break;
    }
    case 'inspector2': {
      if (rest.pathname === '/status/batch/get') {
        const st = here.inspector ? 'ENABLED' : 'DISABLED';
        const rs = { status: st };
        return send(res, 200, JSON.stringify({ accounts: [{ accountId: who.account, state: { status: st }, resourceState: { ec2: rs, ecr: rs, lambda: rs } }], failedAccounts: [] }), 'application/json');
      }
      break;
    }
    case 'macie2': {
      if (rest.pathname === '/macie') {
        if (here.macie === 'DISABLED') return restJsonErr(res, 403, 'AccessDeniedException', 'Macie is not enabled');
        return send(res, 200, JSON.stringify({ createdAt: '2026-01-01T00:00:00.000Z', findingPublishingFrequency: 'FIFTEEN_MINUTES', serviceRole: `arn:aws:iam::${who.account}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie`, status: here.macie, updatedAt: '2026-01-01T00:00:00.000Z' }), 'application/json');
      }
      break;
    }
    case 's3': {
      // ListBuckets; GetBucketLocation, GetBucketPolicyStatus, GetBucketNotificationConfiguration
      // (path-style: /BUCKET?location).
      const s3ns = 'http://s3.amazonaws.com/doc/2006-03-01/';
      if (rest.pathname === '/') {
        const mine = Object.entries(world.buckets).filter(([, b]) => b.owner === who.account);
        return send(res, 200, `<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="${s3ns}"><Owner><ID>${'c'.repeat(64)}</ID></Owner><Buckets>` +
          mine.map(([name]) => `<Bucket><Name>${name}</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket>`).join('') + '</Buckets></ListAllMyBucketsResult>', 'application/xml');
      }
      const bucket = world.buckets[decodeURIComponent(rest.pathname.slice(1))];
      if (!bucket) return s3Err(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      if (rest.searchParams.has('notification')) {
        const q = bucket.queue ? `<QueueConfiguration><Id>fastpath</Id><Queue>${bucket.queue}</Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration>` : '';
        return send(res, 200, `<?xml version="1.0" encoding="UTF-8"?>\n<NotificationConfiguration xmlns="${s3ns}">${q}</NotificationConfiguration>`, 'application/xml');
      }
      if (rest.searchParams.has('location')) {
        return send(res, 200, `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${s3ns}">${bucket.region === 'us-east-1' ? '' : bucket.region}</LocationConstraint>`, 'application/xml');
      }
      if (rest.searchParams.has('policyStatus')) {
        if (bucket.public === undefined) return s3Err(res, 404, 'NoSuchBucketPolicy', 'The bucket policy does not exist');
        return send(res, 200, `<?xml version="1.0" encoding="UTF-8"?>\n<PolicyStatus xmlns="${s3ns}"><IsPublic>${bucket.public}</IsPublic></PolicyStatus>`, 'application/xml');
      }
      break;
    }
    case 'route53': {
      const ns = 'https://route53.amazonaws.com/doc/2013-04-01/';
      if (rest.pathname === '/2013-04-01/hostedzone') {
        const p = page(acct.zones, rest.searchParams.get('marker'), 1);
        return restXmlOk(res, 'ListHostedZonesResponse', { HostedZones: list('HostedZone', p.items.map(z => ({ Id: `/hostedzone/${z.id}`, Name: z.name, CallerReference: z.id, Config: { PrivateZone: String(z.private) }, ResourceRecordSetCount: 4 }))), Marker: rest.searchParams.get('marker') || '', IsTruncated: String(!!p.next), NextMarker: p.next, MaxItems: 1 }, ns);
      }
      if (rest.pathname === '/2013-04-01/queryloggingconfig') {
        return restXmlOk(res, 'ListQueryLoggingConfigsResponse', { QueryLoggingConfigs: list('QueryLoggingConfig', acct.zones.filter(z => z.logged).map(z => ({ Id: `qlc-${z.id}`, HostedZoneId: z.id, CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${who.account}:log-group:/aws/route53/${z.name}` }))) }, ns);
      }
      break;
    }
    case 'cloudfront': {
      const ns = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';
      if (rest.pathname === '/2020-05-31/distribution') {
        return restXmlOk(res, 'DistributionList', { Marker: '', MaxItems: 100, IsTruncated: 'false', Quantity: acct.distributions.length, Items: list('DistributionSummary', acct.distributions.map(d => ({ Id: d.id, ARN: `arn:aws:cloudfront::${who.account}:distribution/${d.id}`, Status: 'Deployed', DomainName: `${d.id.toLowerCase()}.cloudfront.net`, Enabled: 'true' }))) }, ns);
      }
      const m = /^\/2020-05-31\/distribution\/([^/]+)\/config$/.exec(rest.pathname);
      const d = m && acct.distributions.find(x => x.id === m[1]);
      if (d) {
        return restXmlOk(res, 'DistributionConfig', { CallerReference: d.id, Comment: '', Enabled: 'true', Logging: { Enabled: String(d.logged), IncludeCookies: 'false', Bucket: d.logged ? `logs-${who.account}.s3.amazonaws.com` : '', Prefix: d.logged ? 'cloudfront/' : '' } }, ns);
      }
      if (m) return queryErr(res, 404, 'NoSuchDistribution', 'The specified distribution does not exist.');
      break;
    }
  }
  fail(400, kind === 'json' ? 'UnknownOperationException' : 'InvalidAction', `${who.service} ${op} is not served by this stand-in`);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    const run = () => {
      try { handle(req, res, Buffer.concat(chunks).toString()); } catch (e) {
        send(res, 500, JSON.stringify({ __type: 'InternalFailure', message: String(e.stack || e) }), 'application/x-amz-json-1.1');
      }
    };
    // --latency-ms N: answer N ms late, as a distant AWS endpoint would.
    if (latencyMs > 0) setTimeout(run, latencyMs); else run();
  });
});
server.keepAliveTimeout = 30000;
server.listen(+(args.port || 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
process.on('SIGTERM', () => { server.close(); process.exit(0); });
