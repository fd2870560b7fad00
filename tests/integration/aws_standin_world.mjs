// The accounts the AWS stand-in serves. Every account x region starts fully wired the way
// docs/audit.md describes; the `org` scenario then breaks one thing per gap kind, each in a
// known place (the audit test asserts each), and the `bench` scenario leaves everything wired.

const ALL_REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1',
  'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'ap-northeast-1', 'ap-northeast-2',
  'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'ap-south-1', 'sa-east-1'];

const FORWARD_PATTERN = JSON.stringify({
  'detail-type': [{ wildcard: 'AWS * via CloudTrail' }, 'GuardDuty Finding', 'Security Hub Findings - Imported'],
});
const DEFAULT_FORMAT = '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}';

function wiredRegion(account, region, centralBusArn, n) {
  const vpc = `vpc-${account.slice(-4)}${region.replace(/[^a-z0-9]/g, '').slice(0, 8)}${n}`;
  return {
    vpcs: [{ id: vpc, cidr: '10.0.0.0/16' }],
    flowLogs: [{ id: `fl-${vpc}`, vpc, status: 'ACTIVE', delivery: 'SUCCESS', error: undefined, traffic: 'ALL', format: DEFAULT_FORMAT }],
    resolverAssociations: [vpc],
    lbs: [{ arn: `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/web/${account.slice(-6)}`, name: 'web', type: 'application', logs: true },
      { arn: `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/gwy/inspection/${account.slice(-6)}`, name: 'inspection', type: 'gateway', logs: false }],
    rules: [
      { name: 'nightly-report', schedule: 'cron(0 3 * * ? *)', state: 'ENABLED', targets: [{ arn: `arn:aws:lambda:${region}:${account}:function:report` }] },
      { name: 'fastpath-forward', pattern: FORWARD_PATTERN, state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
        targets: [{ arn: centralBusArn, dlq: `arn:aws:sqs:${region}:${account}:fastpath-forward-dlq` }] },
      { name: 'ec2-state-to-slack', pattern: JSON.stringify({ source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] }), state: 'ENABLED', targets: [{ arn: `arn:aws:sns:${region}:${account}:ops` }] },
    ],
    accountPolicies: [],
    logGroups: [{ name: '/aws/lambda/payments', filters: [{ name: 'fastpath', destination: `arn:aws:kinesis:${region}:${account}:stream/fastpath-logs` }] }],
    streams: [`arn:aws:kinesis:${region}:${account}:stream/fastpath-logs`],
    webAcls: [{ name: 'edge', id: `acl-${account.slice(-4)}`, arn: `arn:aws:wafv2:${region}:${account}:regional/webacl/edge/acl-${account.slice(-4)}`, logged: true }],
    firewalls: [{ name: 'egress', arn: `arn:aws:network-firewall:${region}:${account}:firewall/egress`, logTypes: ['ALERT', 'FLOW'] }],
    guardduty: { detector: `d${account.slice(-6)}${n}`, enabled: true, exporting: true },
    securityhub: { enabled: true, aggregator: region === 'us-east-1' },
    config: { recorder: true, recording: true, failing: false, channel: true },
    inspector: true,
    macie: 'ENABLED',
  };
}

function trail(account, name, home, { multi = true, org = false, logging = true, validation = true, kms = true, logs = true, deliveryError = '', logsError = '', selectors, bucket = 'org-cloudtrail-logs' } = {}) {
  const arn = `arn:aws:cloudtrail:${home}:${account}:trail/${name}`;
  return {
    owner: account, home, multi,
    describe: { Name: name, S3BucketName: bucket, IncludeGlobalServiceEvents: true, IsMultiRegionTrail: multi, HomeRegion: home, TrailARN: arn, LogFileValidationEnabled: validation, ...(logs ? { CloudWatchLogsLogGroupArn: `arn:aws:logs:${home}:${account}:log-group:aws-cloudtrail:*`, CloudWatchLogsRoleArn: `arn:aws:iam::${account}:role/cloudtrail-logs` } : {}), ...(kms ? { KmsKeyId: `arn:aws:kms:${home}:${account}:key/1111-2222` } : {}), HasCustomEventSelectors: true, HasInsightSelectors: false, IsOrganizationTrail: org },
    status: { IsLogging: logging, LatestDeliveryError: deliveryError || undefined, LatestCloudWatchLogsDeliveryError: logsError || undefined, LatestDeliveryTime: 1764633600, StartLoggingTime: 1700000000, TimeLoggingStarted: '2023-11-14T22:13:20Z' },
    selectors: selectors || { AdvancedEventSelectors: [
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      { Name: 'S3 objects', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] }] },
  };
}

export function scenario(name, nAccounts, nRegions) {
  const caller = '111111111111';
  const world = {
    caller, callerKey: 'AKIASTANDINCALLER001', callerSecret: 'standin/caller/secret/key/0000000000000',
    orgId: 'o-fastpath01', roleName: 'fastpath-audit', accounts: new Map(), trails: [], throttleEvery: 0,
    deniedOps: [],
    // Buckets (GetBucketLocation, GetBucketPolicyStatus); `public` undefined: no bucket policy.
    // `queue`: where its s3:ObjectCreated:* notifications go (none: no notification).
    buckets: { 'org-cloudtrail-logs': { owner: '111111111111', region: 'us-east-1', public: false, queue: 'arn:aws:sqs:us-east-1:111111111111:fastpath-objects' } },
  };
  const centralBusArn = `arn:aws:events:us-east-1:${caller}:event-bus/fastpath`;
  let ids, regions;
  if (name === 'bench') {
    ids = Array.from({ length: nAccounts || 50 }, (_, i) => i === 0 ? caller : String(200000000000 + i));
    regions = ALL_REGIONS.slice(0, nRegions || 17);
    world.regionInfo = regions.map(r => ({ name: r, optIn: 'opt-in-not-required' }));
    world.throttleEvery = 97;
  } else {
    ids = [caller, '222222222222', '333333333333', '444444444444', '555555555555'];
    regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
    world.regionInfo = regions.map(r => ({ name: r, optIn: 'opt-in-not-required' }))
      .concat([{ name: 'me-south-1', optIn: 'not-opted-in' }]);
    world.throttleEvery = 13;
  }
  const names = { [caller]: 'management', '222222222222': 'prod', '333333333333': 'dev', '444444444444': 'sandbox', '555555555555': 'closed' };
  ids.forEach((id, i) => {
    const acct = { id, name: names[id] || `member-${i}`, status: id === '555555555555' ? 'SUSPENDED' : 'ACTIVE', roleTrusts: id !== '444444444444', regions: {},
      zones: [{ id: `Z${id}PUB`, name: `${names[id] || 'm' + i}.example.com.`, private: false, logged: true }, { id: `Z${id}INT`, name: 'internal.', private: true, logged: false }],
      distributions: [{ id: `E${id.slice(-6)}WEB`, logged: true }] };
    regions.forEach((r, n) => { acct.regions[r] = wiredRegion(id, r, centralBusArn, n); });
    world.accounts.set(id, acct);
  });
  world.centralBus = { name: 'fastpath', arn: centralBusArn, policy: { Version: '2012-10-17', Statement: [{ Sid: 'OrgPutEvents', Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: centralBusArn, Condition: { StringEquals: { 'aws:PrincipalOrgID': world.orgId } } }] } };

  if (name === 'bench') {
    world.trails.push(trail(caller, 'organization', 'us-east-1', { org: true }));
  } else {
    // The gaps, one kind at a time (account, region: what is broken).
    const A = id => world.accounts.get(id);
    const R = (id, r) => A(id).regions[r];
    // CloudTrail. The management account's multi-region trail is sound; a second, stopped trail
    // logs ap-southeast-2 alone (not a gap: the first covers the region). prod's trail records
    // write-only management events, fails to deliver, does not validate its files and writes
    // to a public bucket; dev has a trail in us-east-1 alone, unencrypted, failing to deliver to
    // CloudWatch Logs, whose bucket was deleted.
    world.trails.push(trail(caller, 'main', 'us-east-1'));
    world.trails.push(trail(caller, 'sydney-copy', 'ap-southeast-2', { multi: false, logging: false }));
    world.buckets['prod-cloudtrail-logs'] = { owner: '222222222222', region: 'eu-west-1', public: true, queue: 'arn:aws:sqs:us-east-1:111111111111:fastpath-objects' };
    // prod's flow log bucket announces nothing: the s3_sqs source never hears of its objects.
    world.buckets['prod-flow-logs'] = { owner: '222222222222', region: 'us-east-1' };
    world.trails.push(trail('222222222222', 'prod-trail', 'us-east-1', { validation: false, logs: false, deliveryError: 'AccessDenied', bucket: 'prod-cloudtrail-logs',
      selectors: { EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }] } }));
    world.trails.push(trail('333333333333', 'dev-trail', 'us-east-1', { multi: false, kms: false, logsError: 'Access denied: logs:PutLogEvents', bucket: 'dev-trail-logs-deleted' }));
    // EventBridge.
    R('222222222222', 'eu-west-1').rules[1].pattern = JSON.stringify({ source: ['aws.guardduty', 'aws.securityhub'] });
    R('222222222222', 'ap-southeast-2').rules[1].state = 'DISABLED';
    R('333333333333', 'eu-west-1').rules[1].targets = [{ arn: 'arn:aws:sns:eu-west-1:333333333333:security-email' }];
    R(caller, 'eu-west-1').rules[1].targets[0].dlq = undefined;
    world.centralBus.policy.Statement = [{ Sid: 'Members', Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::111111111111:root', 'arn:aws:iam::222222222222:root'] }, Action: 'events:PutEvents', Resource: centralBusArn }];
    // CloudWatch Logs.
    R('222222222222', 'us-east-1').logGroups.push({ name: '/aws/lambda/orders', filters: [] });
    R('333333333333', 'us-east-1').streams = [];
    R(caller, 'eu-west-1').logGroups.push({ name: '/aws/lambda/batch', filters: [] });
    R(caller, 'eu-west-1').accountPolicies.push({ name: 'all-to-fastpath', destination: `arn:aws:kinesis:eu-west-1:${caller}:stream/fastpath-logs`, criteria: 'LogGroupName NOT IN ["/aws/lambda/noisy"]' });
    // VPC flow logs.
    R(caller, 'us-east-1').vpcs.push({ id: 'vpc-0unlogged', cidr: '10.9.0.0/16' });
    R(caller, 'us-east-1').resolverAssociations.push('vpc-0unlogged');
    R('222222222222', 'us-east-1').flowLogs[0].delivery = 'FAILED';
    R('222222222222', 'us-east-1').flowLogs[0].error = 'Access error';
    R('222222222222', 'eu-west-1').flowLogs[0].traffic = 'REJECT';
    R('333333333333', 'ap-southeast-2').flowLogs[0].format = '${version} ${srcaddr} ${dstaddr} ${protocol} ${action} ${start} ${end}';
    // Resolver, load balancers, WAF, Network Firewall.
    R('333333333333', 'eu-west-1').resolverAssociations = [];
    R('222222222222', 'ap-southeast-2').lbs[0].logs = false;
    R(caller, 'ap-southeast-2').webAcls[0].logged = false;
    R('333333333333', 'us-east-1').firewalls[0].logTypes = ['FLOW'];
    // Finding services.
    R('333333333333', 'ap-southeast-2').guardduty.detector = undefined;
    R('222222222222', 'eu-west-1').guardduty.enabled = false;
    R(caller, 'eu-west-1').guardduty.exporting = false;
    R('333333333333', 'eu-west-1').securityhub.enabled = false;
    R('222222222222', 'us-east-1').securityhub.aggregator = false;
    R('222222222222', 'ap-southeast-2').config.recorder = false;
    R('333333333333', 'us-east-1').config.recording = false;
    R(caller, 'ap-southeast-2').config.failing = true;
    R('222222222222', 'eu-west-1').config.channel = false;
    R('222222222222', 'us-east-1').inspector = false;
    R('333333333333', 'us-east-1').macie = 'DISABLED';
    R('222222222222', 'eu-west-1').macie = 'PAUSED';
    // The audit role of the management account may not read Macie in ap-southeast-2.
    world.deniedOps.push({ account: caller, region: 'ap-southeast-2', service: 'macie2', permission: 'macie2:GetMacieSession' });
    // Global services.
    A('222222222222').zones[0].logged = false;
    A('333333333333').distributions[0].logged = false;
  }

  world.denied = (account, region, service) => {
    const d = world.deniedOps.find(x => x.account === account && x.region === region && x.service === service);
    return d ? d.permission : null;
  };
  // The trails DescribeTrails shows in `region` of `account` (includeShadowTrails): its own
  // trails that cover the region, and organization trails for every member.
  world.trailsVisible = (account, region) => world.trails.filter(t =>
    (t.owner === account || t.describe.IsOrganizationTrail) && (t.multi || t.home === region));
  world.trailByArn = arn => world.trails.find(t => t.describe.TrailARN === arn || t.describe.Name === arn);
  return world;
}
