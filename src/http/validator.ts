import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifySchema } from 'fastify';

/**
 * Request validation with two Ajv instances: query strings and path parameters arrive as text,
 * so their numbers and booleans are coerced; JSON bodies are validated strictly (a number where
 * a string is declared is an error, never silently turned into "42").
 */
export function createValidatorCompiler() {
  const base = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false } as const;
  const strict = new Ajv({ ...base, coerceTypes: false });
  const coercing = new Ajv({ ...base, coerceTypes: 'array' });
  return ({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }): ValidateFunction => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return ajv.compile(schema as object);
  };
}
