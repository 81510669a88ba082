/**
 * Event pattern cases taken from the Amazon EventBridge user guide: "Content filtering in Amazon
 * EventBridge event patterns" (content-filtering-with-event-patterns), "Comparison operators for
 * use in event patterns" (eb-create-pattern-operators), "Arrays in Amazon EventBridge event
 * patterns" (eb-event-patterns-arrays) and "Creating event patterns" (eb-create-pattern).
 * Shared by the pure matcher's unit test and the TestEventPattern integration test.
 */

/** The EC2 sample event the guide's pages use, with `detail` and top-level fields overridable. */
export function sampleEvent(detail: Record<string, unknown> = {}, top: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated', ...detail },
    ...top,
  };
}

export interface PatternCase {
  /** Names the guide's section the example comes from. */
  name: string;
  pattern: Record<string, unknown>;
  matches: Record<string, unknown>[];
  doesNotMatch: Record<string, unknown>[];
}

export const PATTERN_CASES: PatternCase[] = [
  {
    name: 'eb-create-pattern: source, detail-type and detail.state exact values',
    pattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } },
    matches: [sampleEvent()],
    doesNotMatch: [sampleEvent({ state: 'running' }), sampleEvent({}, { source: 'aws.s3' })],
  },
  {
    name: 'eb-create-pattern: value lists are ORed (state is terminated or stopped)',
    pattern: { detail: { state: ['stopped', 'terminated'] } },
    matches: [sampleEvent({ state: 'stopped' }), sampleEvent({ state: 'terminated' })],
    doesNotMatch: [sampleEvent({ state: 'running' })],
  },
  {
    name: 'eb-create-pattern: a field named in the pattern must exist in the event',
    pattern: { detail: { 'c-count': [5] } },
    matches: [sampleEvent({ 'c-count': 5 })],
    doesNotMatch: [sampleEvent()],
  },
  {
    name: 'eb-create-pattern: numbers match numerically, strings do not match numbers',
    pattern: { detail: { 'x-limit': [301.8] } },
    matches: [sampleEvent({ 'x-limit': 301.8 }), sampleEvent({ 'x-limit': 3.018e2 })],
    doesNotMatch: [sampleEvent({ 'x-limit': '301.8' }), sampleEvent({ 'x-limit': 301 })],
  },
  {
    name: 'matching null values and empty strings: "eventVersion": [""], "responseElements": [null]',
    pattern: { detail: { eventVersion: [''], responseElements: [null] } },
    matches: [sampleEvent({ eventVersion: '', responseElements: null })],
    doesNotMatch: [sampleEvent({ eventVersion: '', responseElements: {} }), sampleEvent({ eventVersion: '1.0', responseElements: null }), sampleEvent({ eventVersion: '' })],
  },
  {
    name: 'prefix matching: "time" starts with "2017-10-02"',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    matches: [sampleEvent({}, { time: '2017-10-02T18:43:48Z' })],
    doesNotMatch: [sampleEvent({}, { time: '2017-10-03T18:43:48Z' })],
  },
  {
    name: 'prefix matching while ignoring case: service starts with "EventB"',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    matches: [sampleEvent({ service: 'EventBridge' }), sampleEvent({ service: 'eventbridge' }), sampleEvent({ service: 'EVENTBRIDGE' })],
    doesNotMatch: [sampleEvent({ service: 'Event-Bridge' }), sampleEvent({ service: 'Lambda' })],
  },
  {
    name: 'suffix matching: FileName ends with ".png"',
    pattern: { detail: { FileName: [{ suffix: '.png' }] } },
    matches: [sampleEvent({ FileName: 'image.png' })],
    doesNotMatch: [sampleEvent({ FileName: 'image.PNG' }), sampleEvent({ FileName: 'image.png.txt' })],
  },
  {
    name: 'suffix matching while ignoring case: FileName ends with ".png" in any case',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    matches: [sampleEvent({ FileName: 'image.png' }), sampleEvent({ FileName: 'image.PNG' }), sampleEvent({ FileName: 'image.PnG' })],
    doesNotMatch: [sampleEvent({ FileName: 'image.jpg' })],
  },
  {
    name: 'equals-ignore-case matching: detail-type in any case',
    pattern: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
    matches: [sampleEvent(), sampleEvent({}, { 'detail-type': 'EC2 INSTANCE STATE-CHANGE NOTIFICATION' })],
    doesNotMatch: [sampleEvent({}, { 'detail-type': 'EC2 Instance State-change Notifications' })],
  },
  {
    name: 'wildcard matching: "dir/*.png" (any characters, including "/")',
    pattern: { detail: { FilePath: [{ wildcard: 'dir/*.png' }] } },
    matches: [sampleEvent({ FilePath: 'dir/post.png' }), sampleEvent({ FilePath: 'dir/path/to/file.png' }), sampleEvent({ FilePath: 'dir/.png' })],
    doesNotMatch: [sampleEvent({ FilePath: 'dir/post.jpg' }), sampleEvent({ FilePath: 'other/post.png' })],
  },
  {
    name: 'wildcard matching: event bus ARN "arn:aws:events:us-east-1:*:event-bus/*"',
    pattern: { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } },
    matches: [sampleEvent({ EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/myBus' })],
    doesNotMatch: [sampleEvent({ EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/myBus' })],
  },
  {
    name: 'wildcard matching: an escaped "\\*" is a literal star',
    pattern: { detail: { FilePath: [{ wildcard: 'dir/\\*.png' }] } },
    matches: [sampleEvent({ FilePath: 'dir/*.png' })],
    doesNotMatch: [sampleEvent({ FilePath: 'dir/post.png' })],
  },
  {
    name: 'anything-but matching: state is anything but "initializing"',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    matches: [sampleEvent({ state: 'stopped' }), sampleEvent({ state: 'Initializing' })],
    doesNotMatch: [sampleEvent({ state: 'initializing' }), sampleEvent({ state: undefined })],
  },
  {
    name: 'anything-but matching: x-limit is anything but 123',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    matches: [sampleEvent({ 'x-limit': 124 }), sampleEvent({ 'x-limit': '123' })],
    doesNotMatch: [sampleEvent({ 'x-limit': 123 })],
  },
  {
    name: 'anything-but matching: a list of strings ["stopped", "overloaded"]',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    matches: [sampleEvent({ state: 'terminated' })],
    doesNotMatch: [sampleEvent({ state: 'stopped' }), sampleEvent({ state: 'overloaded' })],
  },
  {
    name: 'anything-but matching: a list of numbers [100, 200, 300]',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    matches: [sampleEvent({ 'x-limit': 301.8 })],
    doesNotMatch: [sampleEvent({ 'x-limit': 200 })],
  },
  {
    name: 'anything-but matching on prefix: state does not begin with "init"',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    matches: [sampleEvent({ state: 'stopped' })],
    doesNotMatch: [sampleEvent({ state: 'initializing' })],
  },
  {
    name: 'anything-but matching on suffix: FileName does not end with ".txt"',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } },
    matches: [sampleEvent({ FileName: 'notes.md' })],
    doesNotMatch: [sampleEvent({ FileName: 'notes.txt' })],
  },
  {
    name: 'anything-but matching while ignoring case: ["Stopped", "OverLoaded"]',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } },
    matches: [sampleEvent({ state: 'running' })],
    doesNotMatch: [sampleEvent({ state: 'STOPPED' }), sampleEvent({ state: 'overloaded' })],
  },
  {
    name: 'anything-but matching using a wildcard: FilePath is not under "*/lib/*"',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    matches: [sampleEvent({ FilePath: 'my/src/main.ts' })],
    doesNotMatch: [sampleEvent({ FilePath: 'my/lib/util.ts' })],
  },
  {
    name: 'numeric matching: c-count in (0, 5], d-count < 10, x-limit = 3.018e2',
    pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } },
    matches: [sampleEvent({ 'c-count': 5, 'd-count': 7, 'x-limit': 301.8 }), sampleEvent({ 'c-count': 0.5, 'd-count': -3, 'x-limit': 301.8 })],
    doesNotMatch: [
      sampleEvent({ 'c-count': 0, 'd-count': 7, 'x-limit': 301.8 }),
      sampleEvent({ 'c-count': 6, 'd-count': 7, 'x-limit': 301.8 }),
      sampleEvent({ 'c-count': 5, 'd-count': 10, 'x-limit': 301.8 }),
      sampleEvent({ 'c-count': '5', 'd-count': 7, 'x-limit': 301.8 }),
    ],
  },
  {
    name: 'numeric matching: ">=" and "<" combined',
    pattern: { detail: { amount: [{ numeric: ['>=', 100, '<', 200] }] } },
    matches: [sampleEvent({ amount: 100 }), sampleEvent({ amount: 199.99 })],
    doesNotMatch: [sampleEvent({ amount: 99.99 }), sampleEvent({ amount: 200 })],
  },
  {
    name: 'IP address matching: sourceIPAddress in 10.0.0.0/24',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    matches: [sampleEvent({ sourceIPAddress: '10.0.0.255' }), sampleEvent({ sourceIPAddress: '10.0.0.0' })],
    doesNotMatch: [sampleEvent({ sourceIPAddress: '10.0.1.0' }), sampleEvent({ sourceIPAddress: 'not-an-ip' })],
  },
  {
    name: 'IP address matching: IPv6 sourceIPAddress in bcde:ffff:7a::/48',
    pattern: { detail: { sourceIPAddress: [{ cidr: 'bcde:ffff:7a::/48' }] } },
    matches: [sampleEvent({ sourceIPAddress: 'bcde:ffff:7a:0:0:0:0:1' }), sampleEvent({ sourceIPAddress: 'bcde:ffff:7a:ffff::1' })],
    doesNotMatch: [sampleEvent({ sourceIPAddress: 'bcde:ffff:7b::1' }), sampleEvent({ sourceIPAddress: '10.0.0.1' })],
  },
  {
    name: 'exists matching: detail.state exists',
    pattern: { detail: { state: [{ exists: true }] } },
    matches: [sampleEvent({ state: 'initializing' })],
    doesNotMatch: [sampleEvent({ state: undefined })],
  },
  {
    name: 'exists matching: detail.c-count does not exist',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    matches: [sampleEvent(), sampleEvent({}, { detail: undefined })],
    doesNotMatch: [sampleEvent({ 'c-count': 3 })],
  },
  {
    name: 'exists matching works on leaf nodes only (an object is not a leaf)',
    pattern: { detail: { 'c-count': [{ exists: true }] } },
    matches: [sampleEvent({ 'c-count': null })],
    doesNotMatch: [sampleEvent({ 'c-count': { nested: 1 } })],
  },
  {
    name: 'multiple matching ("$or") in detail: c-count, d-count or x-limit',
    pattern: {
      detail: {
        $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }],
      },
    },
    matches: [sampleEvent({ 'c-count': 1 }), sampleEvent({ 'd-count': 9 }), sampleEvent({ 'x-limit': 301.8 })],
    doesNotMatch: [sampleEvent({ 'c-count': 6, 'd-count': 10, 'x-limit': 1 }), sampleEvent()],
  },
  {
    name: 'multiple matching ("$or") at the top level, combined with source',
    pattern: { source: ['aws.ec2'], $or: [{ 'detail-type': ['EC2 Instance State-change Notification'] }, { detail: { state: ['pending'] } }] },
    matches: [sampleEvent(), sampleEvent({ state: 'pending' }, { 'detail-type': 'Other' })],
    doesNotMatch: [sampleEvent({}, { 'detail-type': 'Other' }), sampleEvent({}, { source: 'aws.s3' })],
  },
  {
    name: 'complex example with multiple matching: time prefix, state, counts, x-limit',
    pattern: {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    },
    matches: [sampleEvent({ state: 'running', 'c-count': 5, 'd-count': 7, 'x-limit': 301.8 }, { time: '2017-10-02T18:43:48Z' })],
    doesNotMatch: [
      sampleEvent({ state: 'initializing', 'c-count': 5, 'd-count': 7, 'x-limit': 301.8 }, { time: '2017-10-02T18:43:48Z' }),
      sampleEvent({ state: 'running', 'c-count': 5, 'd-count': 7, 'x-limit': 300 }, { time: '2017-10-02T18:43:48Z' }),
    ],
  },
  {
    name: 'arrays: matches when the pattern array and the event array intersect (resources)',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    matches: [
      sampleEvent({}, {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      }),
    ],
    doesNotMatch: [sampleEvent({}, { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] }), sampleEvent({}, { resources: [] })],
  },
  {
    name: 'arrays: operators apply to each element of an event array',
    pattern: { detail: { tags: [{ prefix: 'low-' }] } },
    matches: [sampleEvent({ tags: ['urban', 'low-income'] })],
    doesNotMatch: [sampleEvent({ tags: ['urban', 'rural'] })],
  },
  {
    name: 'nested fields inside arrays of objects match within one element',
    pattern: { detail: { members: { relation: ['spouse'], age: [{ numeric: ['>=', 60] }] } } },
    matches: [sampleEvent({ members: [{ relation: 'child', age: 8 }, { relation: 'spouse', age: 61 }] })],
    doesNotMatch: [sampleEvent({ members: [{ relation: 'spouse', age: 40 }, { relation: 'parent', age: 80 }] })],
  },
];

export interface InvalidCase {
  name: string;
  pattern: unknown;
}

export const INVALID_PATTERNS: InvalidCase[] = [
  { name: 'a value that is not an array or object ("source": "aws.ec2")', pattern: { source: 'aws.ec2' } },
  { name: 'an empty array', pattern: { source: [] } },
  { name: 'the pattern is not an object', pattern: ['aws.ec2'] },
  { name: 'an unknown operator', pattern: { detail: { state: [{ contains: 'x' }] } } },
  { name: 'two operators in one match expression', pattern: { detail: { state: [{ prefix: 'a', suffix: 'b' }] } } },
  { name: 'prefix that is not a string', pattern: { detail: { state: [{ prefix: 5 }] } } },
  { name: 'numeric with a non-numeric value', pattern: { detail: { n: [{ numeric: ['>', 'five'] }] } } },
  { name: 'numeric with two lower bounds', pattern: { detail: { n: [{ numeric: ['>', 0, '>', 5] }] } } },
  { name: 'numeric range with bottom above top', pattern: { detail: { n: [{ numeric: ['>', 10, '<', 5] }] } } },
  { name: 'numeric with an unknown operator', pattern: { detail: { n: [{ numeric: ['!=', 1] }] } } },
  { name: 'exists that is not a boolean', pattern: { detail: { state: [{ exists: 'true' }] } } },
  { name: 'a CIDR with too many mask bits for IPv4 (/32: mask bits must be < 32)', pattern: { detail: { ip: [{ cidr: '10.0.0.1/32' }] } } },
  { name: 'a CIDR with too many mask bits for IPv6 (/128)', pattern: { detail: { ip: [{ cidr: '2001:db8::1/128' }] } } },
  { name: 'a CIDR without "/"', pattern: { detail: { ip: [{ cidr: '10.0.0.1' }] } } },
  { name: 'a CIDR that is not an address', pattern: { detail: { ip: [{ cidr: 'ten.0.0.0/8' }] } } },
  { name: 'numeric range written upper bound first', pattern: { detail: { n: [{ numeric: ['<', 10, '>', 5] }] } } },
  { name: 'numeric "=" followed by more terms', pattern: { detail: { n: [{ numeric: ['=', 1, '<', 5] }] } } },
  { name: 'an invalid escape in a wildcard', pattern: { detail: { path: [{ wildcard: 'dir\\x' }] } } },
  { name: 'anything-but with an empty prefix', pattern: { detail: { state: [{ 'anything-but': { prefix: '' } }] } } },
  { name: 'anything-but with a boolean', pattern: { detail: { state: [{ 'anything-but': true }] } } },
  { name: '"$or" with a member that is not an object', pattern: { $or: [{ source: ['a'] }, 'b'] } },
  { name: 'more than 1000 "$or" rule combinations', pattern: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`f${i}`, { $or: [{ a: ['1'] }, { b: ['2'] }] }])) },
  { name: 'consecutive wildcard characters', pattern: { detail: { path: [{ wildcard: 'dir/**.png' }] } } },
  { name: '"$or" with a single alternative', pattern: { $or: [{ source: ['a'] }] } },
  { name: 'anything-but with an unsupported nested operator', pattern: { detail: { state: [{ 'anything-but': { numeric: ['>', 1] } }] } } },
  { name: 'anything-but list mixing strings and null', pattern: { detail: { state: [{ 'anything-but': ['a', null] }] } } },
  { name: 'equals-ignore-case that is not a string', pattern: { detail: { state: [{ 'equals-ignore-case': 1 }] } } },
];
