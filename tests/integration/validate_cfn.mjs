// Validates the Properties of every resource of a CloudFormation template (JSON) against the
// resource provider schema of its type: node validate_cfn.mjs TEMPLATE SCHEMA-FOLDER.
// Schemas are named as cfn-lint names them (AWS::Glue::Table -> aws-glue-table.json).
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';

const [template, folder] = process.argv.slice(2);
const t = JSON.parse(readFileSync(template, 'utf8'));
let bad = 0;
for (const [name, r] of Object.entries(t.Resources ?? {})) {
  const file = `${folder}/${r.Type.toLowerCase().replaceAll('::', '-')}.json`;
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  // The provider schema's own keywords (typeName, primaryIdentifier, ...) are not JSON Schema.
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('json', true);  // a CloudFormation annotation, not a check
  const validate = ajv.compile({
    type: 'object', properties: schema.properties, required: schema.required ?? [],
    additionalProperties: schema.additionalProperties ?? true, definitions: schema.definitions,
  });
  // Intrinsic functions ({"Ref": ...}) stand for strings the schema cannot see: replace them.
  const props = JSON.parse(JSON.stringify(r.Properties ?? {}, (k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 &&
    (Object.keys(v)[0] === 'Ref' || Object.keys(v)[0].startsWith('Fn::')) ? '123456789012' : v));
  if (!validate(props)) {
    bad++;
    console.error(`${name} (${r.Type}):`, JSON.stringify(validate.errors, null, 1));
  } else {
    console.log(`${name} (${r.Type}): valid`);
  }
}
process.exit(bad ? 1 : 0);
