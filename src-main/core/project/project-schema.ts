import type { Static } from '@sinclair/typebox'
import { Type } from '@sinclair/typebox'

const Paths = Type.Union(
  [Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })],
  {
    description:
      'A .parquet, .csv or .jsonl file, a folder of them, or a list; relative to the project file.',
  },
)

const ColumnList = Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true })

/**
 * A driftdesk project file (YAML or JSON): what a learner monitors. The one schema of this shape: the
 * TypeScript type is derived from it and the CLI validates files against it (Ajv), so the file, the type and
 * the errors cannot drift apart. Field names follow Evidently's `ColumnMapping` (`numerical_features`…).
 */
export const ProjectFileSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
      description: 'A short name: letters, digits, dot, dash, underscore.',
    }),
    reference: Paths,
    current: Paths,
    mapping: Type.Optional(
      Type.Object(
        {
          target: Type.Optional(Type.String({ minLength: 1 })),
          prediction: Type.Optional(Type.String({ minLength: 1 })),
          id: Type.Optional(Type.String({ minLength: 1 })),
          numerical_features: Type.Optional(ColumnList),
          categorical_features: Type.Optional(ColumnList),
          task: Type.Optional(
            Type.Union([Type.Literal('regression'), Type.Literal('classification')]),
          ),
        },
        {
          additionalProperties: false,
          description: 'Left-out fields are inferred as Evidently 0.4 infers them.',
        },
      ),
    ),
    window: Type.Optional(
      Type.Object(
        {
          column: Type.Optional(
            Type.String({ minLength: 1, description: 'The timestamp column that cuts windows.' }),
          ),
          every: Type.String({
            pattern: '^(all|month|1mo|rows:[1-9][0-9]*|[1-9][0-9]*[smhdw])$',
            description: '1h, 1d, 7d, 1w, month, rows:N or all.',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    metrics: Type.Optional(
      Type.Array(
        Type.Union([
          Type.Object(
            {
              column: Type.String({ minLength: 1 }),
              metric: Type.Literal('quantile'),
              quantile: Type.Number({ minimum: 0, maximum: 1 }),
            },
            { additionalProperties: false },
          ),
          Type.Object(
            {
              column: Type.String({ minLength: 1 }),
              metric: Type.Union([
                Type.Literal('value_range'),
                Type.Literal('mean'),
                Type.Literal('missing_share'),
                Type.Literal('missing_count'),
              ]),
            },
            { additionalProperties: false },
          ),
        ]),
        {
          description:
            'Extra per-window column metrics the backfill computes and stores in column_metrics: quantile (with quantile: Q), value_range (min and max), mean, missing_share, missing_count.',
        },
      ),
    ),
    options: Type.Optional(
      Type.Object(
        {
          drift_share: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
          stattest: Type.Optional(Type.String({ minLength: 1 })),
          num_stattest: Type.Optional(Type.String({ minLength: 1 })),
          cat_stattest: Type.Optional(Type.String({ minLength: 1 })),
          threshold: Type.Optional(Type.Number()),
          num_threshold: Type.Optional(Type.Number()),
          cat_threshold: Type.Optional(Type.Number()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, $id: 'https://driftdesk.local/schemas/project.json' },
)

/** A project file's content, derived from {@link ProjectFileSchema}. */
export type ProjectFile = Static<typeof ProjectFileSchema>
