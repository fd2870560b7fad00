// Checks the answers the AWS stand-in gave (recorded with --responses FILE) against the botocore
// service models in ../shared/aws-reference/botocore: the operation exists (by X-Amz-Target,
// Action, or method and request URI), and every member of every answer is one the operation's
// output shape declares, with the declared kind (structure, list, map, scalar), in the
// protocol's wire form (JSON; query, EC2 and REST-XML element names and list wrappers).
//   node aws_standin_shapes.mjs MODELS_DIR RESPONSES.ndjson
// Prints one line per problem and exits 1 when there is any; services without a model there
// (inspector2, macie2) are listed as not checked.
import fs from 'node:fs';
import path from 'node:path';

const [modelsDir, responsesFile] = process.argv.slice(2);
const DIRS = { elasticloadbalancing: 'elbv2' };
const models = new Map();
function model(service) {
  if (!models.has(service)) {
    const f = path.join(modelsDir, DIRS[service] || service, 'service-2.json');
    models.set(service, fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : null);
  }
  return models.get(service);
}

// A small XML reader for the stand-in's answers: elements and text, no attributes kept.
function parseXml(text) {
  const root = { tag: '#root', children: [], text: '' };
  const stack = [root];
  const re = /<(\/?)([A-Za-z_][\w:.-]*)[^>]*?(\/?)>|<\?[^>]*\?>|([^<]+)/g;
  for (let m; (m = re.exec(text));) {
    const [, close, tag, selfClose, txt] = m;
    if (txt !== undefined) { stack[stack.length - 1].text += txt; continue; }
    if (!tag) continue;
    if (close) { stack.pop(); continue; }
    const node = { tag, children: [], text: '' };
    stack[stack.length - 1].children.push(node);
    if (!selfClose) stack.push(node);
  }
  return root.children[0];
}

const problems = [];
const checked = new Map();
const unchecked = new Set();

function scalarOk(type, v) {
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'integer': case 'long': case 'double': case 'float': return typeof v === 'number';
    case 'timestamp': return typeof v === 'number' || typeof v === 'string';
    case 'blob': return typeof v === 'string';
    default: return true;
  }
}

function walkJson(m, shapeName, v, where) {
  const shape = m.shapes[shapeName];
  if (v === null || v === undefined) return;
  if (shape.type === 'structure') {
    if (typeof v !== 'object' || Array.isArray(v)) return problems.push(`${where}: ${shapeName} is a structure, got ${JSON.stringify(v).slice(0, 60)}`);
    const byWire = new Map();
    for (const [name, mem] of Object.entries(shape.members)) {
      if (mem.location) continue;  // headers, status code, URI
      byWire.set(mem.locationName || name, mem);
    }
    for (const [k, val] of Object.entries(v)) {
      const mem = byWire.get(k);
      if (!mem) problems.push(`${where}: ${shapeName} has no member ${k}`);
      else walkJson(m, mem.shape, val, `${where}.${k}`);
    }
  } else if (shape.type === 'list') {
    if (!Array.isArray(v)) return problems.push(`${where}: ${shapeName} is a list`);
    v.forEach((x, i) => walkJson(m, shape.member.shape, x, `${where}[${i}]`));
  } else if (shape.type === 'map') {
    if (typeof v !== 'object') return problems.push(`${where}: ${shapeName} is a map`);
    for (const [k, x] of Object.entries(v)) walkJson(m, shape.value.shape, x, `${where}.${k}`);
  } else if (!scalarOk(shape.type, v)) {
    problems.push(`${where}: ${shapeName} is ${shape.type}, got ${JSON.stringify(v)}`);
  }
}

// XML: a structure's children are its members by wire name; a list wraps its items in elements
// named by the list member's locationName (else `member`; `item` in EC2), or repeats them in
// place when flattened.
function walkXml(m, protocol, shapeName, node, where) {
  const shape = m.shapes[shapeName];
  if (shape.type === 'structure') {
    const byWire = new Map();
    for (const [name, mem] of Object.entries(shape.members)) {
      if (mem.location) continue;
      const wire = protocol === 'ec2' ? (mem.queryName || mem.locationName || name[0].toLowerCase() + name.slice(1)) : (mem.locationName || name);
      byWire.set(wire, mem);
      if (protocol === 'ec2' && mem.locationName) byWire.set(mem.locationName, mem);
    }
    for (const child of node.children) {
      const mem = byWire.get(child.tag);
      if (!mem) { problems.push(`${where}: ${shapeName} has no member <${child.tag}>`); continue; }
      const ms = m.shapes[mem.shape];
      if (ms.type === 'list' && ms.flattened) walkXml(m, protocol, ms.member.shape, child, `${where}.${child.tag}`);
      else walkXml(m, protocol, mem.shape, child, `${where}.${child.tag}`);
    }
  } else if (shape.type === 'list') {
    const itemTag = shape.member.locationName || (protocol === 'ec2' ? 'item' : 'member');
    for (const child of node.children) {
      if (child.tag !== itemTag) problems.push(`${where}: ${shapeName} items are <${itemTag}>, got <${child.tag}>`);
      else walkXml(m, protocol, shape.member.shape, child, `${where}.${itemTag}`);
    }
  } else if (shape.type === 'map') {
    return;
  } else if (node.children.length) {
    problems.push(`${where}: ${shapeName} is ${shape.type}, got elements`);
  } else if (shape.type === 'boolean' && !/^(true|false)$/.test(node.text.trim())) {
    problems.push(`${where}: ${shapeName} is boolean, got "${node.text}"`);
  } else if (['integer', 'long'].includes(shape.type) && !/^-?\d+$/.test(node.text.trim())) {
    problems.push(`${where}: ${shapeName} is ${shape.type}, got "${node.text}"`);
  }
}

// The REST operation a method and URL call, by the model's request URIs.
function restOperation(m, method, url) {
  const u = new URL(url, 'http://x');
  let best = null;
  for (const [name, op] of Object.entries(m.operations)) {
    if (op.http.method !== method) continue;
    const [p, q] = op.http.requestUri.split('?');
    const re = new RegExp('^' + p.replace(/\{[^}]+\+\}/g, '(.+)').replace(/\{[^}]+\}/g, '([^/]+)') + '/?$');
    if (!re.test(u.pathname)) continue;
    const keys = q ? q.split('&').map(k => k.split('=')[0]) : [];
    if (!keys.every(k => u.searchParams.has(k))) continue;
    if (!best || keys.length > best.keys) best = { name, keys: keys.length };
  }
  return best && best.name;
}

for (const line of fs.readFileSync(responsesFile, 'utf8').split('\n')) {
  if (!line) continue;
  const r = JSON.parse(line);
  const m = model(r.service);
  if (!m) { unchecked.add(r.service); continue; }
  const protocol = m.metadata.protocol;
  const opName = r.kind === 'rest' ? restOperation(m, r.method, r.url) : r.op;
  const op = opName && m.operations[opName];
  const where = `${r.service} ${opName || r.method + ' ' + r.url}`;
  if (!op) { problems.push(`${where}: no such operation in the model`); continue; }
  checked.set(`${r.service}:${opName}`, (checked.get(`${r.service}:${opName}`) || 0) + 1);
  if (!op.output) continue;
  const out = m.shapes[op.output.shape];
  if (protocol === 'json' || protocol === 'rest-json') {
    walkJson(m, op.output.shape, JSON.parse(r.body || '{}'), where);
    continue;
  }
  const root = parseXml(r.body);
  if (!root) { problems.push(`${where}: the answer is not XML`); continue; }
  if (protocol === 'query') {
    const result = root.children.find(c => c.tag === op.output.resultWrapper);
    if (root.tag !== `${opName}Response` || !result) problems.push(`${where}: query answers are <${opName}Response><${op.output.resultWrapper}>, got <${root.tag}>`);
    else walkXml(m, protocol, op.output.shape, result, where);
  } else if (protocol === 'ec2') {
    if (root.tag !== `${opName}Response`) problems.push(`${where}: EC2 answers are <${opName}Response>, got <${root.tag}>`);
    root.children = root.children.filter(c => c.tag !== 'requestId');
    walkXml(m, protocol, op.output.shape, root, where);
  } else {  // rest-xml
    if (out.payload) {
      walkXml(m, protocol, out.members[out.payload].shape, root, where);
    } else if (out.members[root.tag] && m.shapes[out.members[root.tag].shape].type !== 'structure') {
      walkXml(m, protocol, out.members[root.tag].shape, root, where);
    } else {
      walkXml(m, protocol, op.output.shape, root, where);
    }
  }
}

for (const p of [...new Set(problems)]) console.log(p);
const total = [...checked.values()].reduce((a, b) => a + b, 0);
console.log(`${total} answers of ${checked.size} operations checked against the models; ` +
  `${problems.length} problems${unchecked.size ? `; no model here for ${[...unchecked].sort().join(', ')}` : ''}`);
process.exitCode = problems.length ? 1 : 0;
