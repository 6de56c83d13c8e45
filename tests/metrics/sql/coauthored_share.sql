SELECT
  "t8"."period",
  "t8"."country" AS "group",
  "t8"."pair" / "t8"."value" AS "value"
FROM (
  SELECT
    "t5"."period",
    "t5"."country",
    "t5"."segment",
    "t5"."value",
    "t7"."p_period",
    "t7"."p_country",
    "t7"."pair"
  FROM (
    SELECT
      "t2"."period",
      "t2"."country",
      "t2"."segment",
      FIRST("t2"."value" ORDER BY "t2"."run_id" DESC) AS "value"
    FROM (
      SELECT
        *
      FROM "aggregates" AS "t0"
      WHERE
        "t0"."source" = 'openalex'
        AND "t0"."measure" = 'ai_works'
        AND "t0"."segment" = 'all'
    ) AS "t2"
    GROUP BY
      1,
      2,
      3
  ) AS "t5"
  INNER JOIN (
    SELECT
      "t3"."period" AS "p_period",
      "t3"."country" AS "p_country",
      "t3"."value" AS "pair"
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
    ) AS "t3"
    WHERE
      "t3"."country" IN ('US', 'CN')
  ) AS "t7"
    ON "t5"."period" = "t7"."p_period" AND "t5"."country" = "t7"."p_country"
) AS "t8"
WHERE
  "t8"."value" > 0;
