/**
 * The parts of an OpenAPI 3.0 document the request generators read: every operation
 * (path × method) with its parameters and body schema, and schemas with their `$ref`s
 * followed.
 */

/** The subset of JSON Schema (OpenAPI 3.0 dialect) the generators understand. */
export interface JsonSchema {
  $ref?: string;
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  enum?: readonly unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  oneOf?: readonly JsonSchema[];
  allOf?: readonly JsonSchema[];
}

/** A parameter, its `$ref` followed. */
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

/** One path × method of the document. */
export interface Operation {
  operationId: string;
  method: string;
  /** The path as the document writes it, e.g. `/facts/{kind}/{namespace}/{name}`. */
  template: string;
  parameters: Parameter[];
  body?: { required: boolean; schema: JsonSchema };
  /** Whether the operation needs credentials (its `security` is not empty). */
  authenticated: boolean;
}

/** An OpenAPI 3.0 document, as far as the generators read it. */
export type OpenApiDocument = {
  paths: Record<string, Record<string, any>>;
  components: Record<string, Record<string, any>>;
  security?: unknown[];
};

/** Follows `$ref`s (and merges `allOf`) until a schema with content. */
export function resolveSchema(
  doc: OpenApiDocument,
  schema: JsonSchema,
): JsonSchema {
  let resolved = schema;
  while (resolved.$ref) {
    const [, , section, name] = resolved.$ref.split('/');
    const { $ref: _ref, ...rest } = resolved;
    resolved = { ...doc.components[section][name], ...rest };
  }
  if (resolved.allOf) {
    const { allOf, ...rest } = resolved;
    return allOf.reduce<JsonSchema>(
      (merged, part) => {
        const r = resolveSchema(doc, part);
        return {
          ...r,
          ...merged,
          properties: { ...r.properties, ...merged.properties },
          required: [...(r.required ?? []), ...(merged.required ?? [])],
        };
      },
      { ...rest },
    );
  }
  return resolved;
}

/** Every path × method of the document. */
export function operationsOf(spec: unknown): Operation[] {
  const doc = spec as OpenApiDocument;
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const parameters: Parameter[] = (op.parameters ?? []).map((p: any) => {
        const param = p.$ref ? resolveSchema(doc, p) : p;
        return {
          name: param.name,
          in: param.in,
          required: Boolean(param.required),
          schema: param.schema ?? { type: 'string' },
        } as Parameter;
      });
      const json = op.requestBody?.content?.['application/json'];
      return {
        operationId: op.operationId,
        method: method.toUpperCase(),
        template,
        parameters,
        body: json
          ? { required: Boolean(op.requestBody.required), schema: json.schema }
          : undefined,
        authenticated: (op.security ?? doc.security ?? []).length > 0,
      };
    }),
  );
}
