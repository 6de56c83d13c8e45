WITH "t4" AS (
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
  "t18"."period",
  "t18"."country" AS "group",
  CASE WHEN "t18"."value" > 0 THEN "t18"."pair" / "t18"."value" ELSE NULL END AS "value"
FROM (
  SELECT
    "t8"."period",
    "t8"."country",
    "t8"."segment",
    COALESCE("t12"."u_value", "t8"."value") AS "value",
    "t17"."p_period",
    "t17"."p_country",
    "t17"."pair"
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
  ) AS "t8"
  LEFT OUTER JOIN (
    SELECT
      "t6"."period" AS "u_period",
      "t6"."value" AS "u_value"
    FROM (
      SELECT
        "t3"."period",
        "t3"."country",
        "t3"."segment",
        FIRST("t3"."value" ORDER BY "t3"."run_id" DESC) AS "value"
      FROM (
        SELECT
          *
        FROM "aggregates" AS "t0"
        WHERE
          "t0"."source" = 'openalex'
          AND "t0"."measure" = 'ai_works'
          AND "t0"."segment" = 'all-with-HK'
      ) AS "t3"
      GROUP BY
        1,
        2,
        3
    ) AS "t6"
    WHERE
      "t6"."country" = 'CN'
  ) AS "t12"
    ON "t8"."period" = "t12"."u_period" AND "t8"."country" = 'CN'
  INNER JOIN (
    SELECT
      "t15"."period" AS "p_period",
      "t15"."country" AS "p_country",
      "t15"."value" AS "pair"
    FROM (
      SELECT
        "t13"."period",
        "t13"."country",
        "t13"."segment",
        COALESCE("t14"."h_value", "t13"."value") AS "value"
      FROM (
        SELECT
          *
        FROM "t4" AS "t7"
        WHERE
          "t7"."country" IN ('US', 'CN') AND "t7"."segment" <> 'pair-with-HK'
      ) AS "t13"
      LEFT OUTER JOIN (
        SELECT
          "t7"."period" AS "h_period",
          "t7"."country" AS "h_country",
          "t7"."value" AS "h_value"
        FROM "t4" AS "t7"
        WHERE
          "t7"."country" IN ('US', 'CN') AND "t7"."segment" = 'pair-with-HK'
      ) AS "t14"
        ON "t13"."period" = "t14"."h_period" AND "t13"."country" = "t14"."h_country"
    ) AS "t15"
  ) AS "t17"
    ON "t8"."period" = "t17"."p_period" AND "t8"."country" = "t17"."p_country"
) AS "t18"
WHERE
  "t18"."value" > 0;
