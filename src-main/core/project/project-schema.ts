import type { Static } from '@sinclair/typebox'
import { Type } from '@sinclair/typebox'

const Paths = Type.Union(
  [Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })],
  {
    description:
      'A .parquet, .csv or .jsonl file, a folder of them, or a list; relative to the project file.',
  },
)

/**
 * A project name: letters, digits, dot, dash, underscore, and not ending in `.yaml`, `.yml` or `.json`
 * (any case): `--project NAME|FILE` takes such a reference for a file, so the name could never be used.
 */
export const PROJECT_NAME_PATTERN =
  '^(?!.*\\.(?:[Yy][Aa]?[Mm][Ll]|[Jj][Ss][Oo][Nn])$)[A-Za-z0-9][A-Za-z0-9._-]*$'

/**
 * A PostgreSQL table or read-only query as the current data (issue #11), e.g. a prediction service's log.
 * It is read from the saved connection `connection` names (`connections` in settings), or the driftdesk
 * database when left out. Types map as docs/live-collector.md ("PostgreSQL sources") says.
 */
const PostgresSource = Type.Object(
  {
    postgres: Type.Union([
      Type.Object(
        { table: Type.String({ minLength: 1, description: 'A table, or schema.table.' }) },
        { additionalProperties: false },
      ),
      Type.Object(
        { query: Type.String({ minLength: 1, description: 'A SELECT, run read-only.' }) },
        { additionalProperties: false },
      ),
    ]),
    connection: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'A saved connection; default: driftdesk’s database.',
      }),
    ),
  },
  { additionalProperties: false },
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
      pattern: PROJECT_NAME_PATTERN,
      description:
        'A short name: letters, digits, dot, dash, underscore; not ending in .yaml, .yml or .json, which --project would read as a file name.',
    }),
    reference: Paths,
    current: Type.Union([Paths, PostgresSource]),
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
          Type.Object(
            {
              column: Type.String({ minLength: 1 }),
              metric: Type.Literal('correlation'),
              with: Type.String({ minLength: 1, description: 'The second column.' }),
              method: Type.Optional(
                Type.Union(
                  [Type.Literal('pearson'), Type.Literal('spearman'), Type.Literal('kendall')],
                  { description: 'pandas DataFrame.corr method; pearson when left out.' },
                ),
              ),
            },
            { additionalProperties: false },
          ),
        ]),
        {
          description:
            'Extra per-window column metrics the backfill computes and stores in column_metrics: quantile (with quantile: Q), value_range (min and max), mean, missing_share, missing_count, correlation (with: B, method: pearson|spearman|kendall; pandas DataFrame.corr on the rows where both are present).',
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
    explain: Type.Optional(
      Type.Object(
        {
          linear_model: Type.Optional(
            Type.Object(
              {
                intercept: Type.Number(),
                coefficients: Type.Record(Type.String({ minLength: 1 }), Type.Number(), {
                  description: 'Feature name → coefficient of a linear model (nulls read as 0).',
                }),
              },
              { additionalProperties: false },
            ),
          ),
          segment_column: Type.Optional(Type.String({ minLength: 1 })),
          sensitive_column: Type.Optional(Type.String({ minLength: 1 })),
        },
        {
          additionalProperties: false,
          description: 'Why predictions moved, outliers, segments and fairness (docs/explain.md).',
        },
      ),
    ),
  },
  { additionalProperties: false, $id: 'https://driftdesk.local/schemas/project.json' },
)

/** A project file's content, derived from {@link ProjectFileSchema}. */
export type ProjectFile = Static<typeof ProjectFileSchema>
