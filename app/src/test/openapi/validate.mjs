// Validates an OpenAPI document (YAML or JSON) against the OpenAPI 3.x schema and its own $refs with
// @readme/openapi-parser. Prints "valid <title> <version>" and exits 0, or prints the errors and exits 1.
import { validate } from '@readme/openapi-parser';

const file = process.argv[2];
try {
  const result = await validate(file);
  if (result && result.valid === false) {
    console.error(JSON.stringify(result.errors ?? result, null, 2));
    process.exit(1);
  }
  console.log(`valid; warnings: ${JSON.stringify(result?.warnings ?? [])}`);
} catch (e) {
  console.error(e && e.message ? e.message : String(e));
  if (e && e.details) {
    console.error(JSON.stringify(e.details, null, 2));
  }
  process.exit(1);
}
