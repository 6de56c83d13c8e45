WITH "t2" AS (
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
)
SELECT
  "t8"."period",
  'all' AS "group",
  "t8"."value"
FROM (
  SELECT
    "t6"."period",
    "t6"."country",
    "t6"."segment",
    COALESCE("t7"."h_value", "t6"."value") AS "value"
  FROM (
    SELECT
      *
    FROM "t2" AS "t3"
    WHERE
      "t3"."country" IN ('US', 'CN') AND "t3"."segment" <> 'pair-with-HK'
  ) AS "t6"
  LEFT OUTER JOIN (
    SELECT
      "t3"."period" AS "h_period",
      "t3"."country" AS "h_country",
      "t3"."value" AS "h_value"
    FROM "t2" AS "t3"
    WHERE
      "t3"."country" IN ('US', 'CN') AND "t3"."segment" = 'pair-with-HK'
  ) AS "t7"
    ON "t6"."period" = "t7"."h_period" AND "t6"."country" = "t7"."h_country"
) AS "t8"
WHERE
  "t8"."country" = 'US';
