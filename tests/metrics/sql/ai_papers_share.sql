WITH "t10" AS (
  SELECT
    "t9"."period",
    "t9"."country",
    "t9"."segment",
    COALESCE("t7"."u_value", "t9"."value") AS "value"
  FROM (
    SELECT
      "t6"."period",
      "t6"."country",
      "t6"."segment",
      SUM("t6"."value") AS "value"
    FROM (
      SELECT
        "t3"."period",
        CASE WHEN "t3"."country" IN ('CN', 'HK') THEN 'CN' ELSE "t3"."country" END AS "country",
        "t3"."segment",
        "t3"."value"
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
            "t0"."source" = 'openalex'
            AND "t0"."measure" = 'ai_works'
            AND "t0"."segment" = 'all'
        ) AS "t1"
        GROUP BY
          1,
          2,
          3
      ) AS "t3"
    ) AS "t6"
    GROUP BY
      1,
      2,
      3
  ) AS "t9"
  LEFT OUTER JOIN (
    SELECT
      "t4"."period" AS "u_period",
      "t4"."country" AS "u_country",
      "t4"."value" AS "u_value"
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
          AND "t0"."segment" = 'all-with-HK'
      ) AS "t2"
      GROUP BY
        1,
        2,
        3
    ) AS "t4"
    WHERE
      "t4"."country" = 'CN'
  ) AS "t7"
    ON "t9"."period" = "t7"."u_period" AND "t9"."country" = "t7"."u_country"
)
SELECT
  "t16"."period",
  "t16"."country" AS "group",
  CASE WHEN "t16"."world" > 0 THEN "t16"."value" / "t16"."world" ELSE NULL END AS "value"
FROM (
  SELECT
    "t14"."period",
    "t14"."country",
    "t14"."segment",
    "t14"."value",
    "t15"."w_period",
    "t15"."world"
  FROM (
    SELECT
      *
    FROM "t10" AS "t11"
    WHERE
      "t11"."country" <> 'all'
  ) AS "t14"
  INNER JOIN (
    SELECT
      "t11"."period" AS "w_period",
      "t11"."value" AS "world"
    FROM "t10" AS "t11"
    WHERE
      "t11"."country" = 'all'
  ) AS "t15"
    ON "t14"."period" = "t15"."w_period"
) AS "t16"
WHERE
  "t16"."world" > 0;
