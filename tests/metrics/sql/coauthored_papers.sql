SELECT
  "t2"."period",
  'all' AS "group",
  "t2"."value"
FROM (
  SELECT
    "t1"."period",
    "t1"."country",
    "t1"."segment",
    FIRST("t1"."value" ORDER BY "t1"."run_id" DESC) AS "value"
  FROM (
    SELECT
      *
    FROM "aggregates" AS "t0"
    WHERE
      "t0"."source" = 'openalex' AND "t0"."measure" = 'ai_works_coauthored'
  ) AS "t1"
  GROUP BY
    1,
    2,
    3
) AS "t2"
WHERE
  "t2"."country" = 'US';
