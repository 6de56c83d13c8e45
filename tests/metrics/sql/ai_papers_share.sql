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
      "t0"."source" = 'openalex'
      AND "t0"."measure" = 'ai_works'
      AND "t0"."segment" = 'all'
  ) AS "t1"
  GROUP BY
    1,
    2,
    3
)
SELECT
  "t8"."period",
  "t8"."country" AS "group",
  "t8"."value" / "t8"."world" AS "value"
FROM (
  SELECT
    "t6"."period",
    "t6"."country",
    "t6"."segment",
    "t6"."value",
    "t7"."w_period",
    "t7"."world"
  FROM (
    SELECT
      *
    FROM "t2" AS "t3"
    WHERE
      "t3"."country" <> 'all'
  ) AS "t6"
  INNER JOIN (
    SELECT
      "t3"."period" AS "w_period",
      "t3"."value" AS "world"
    FROM "t2" AS "t3"
    WHERE
      "t3"."country" = 'all'
  ) AS "t7"
    ON "t6"."period" = "t7"."w_period"
) AS "t8"
WHERE
  "t8"."world" > 0;
