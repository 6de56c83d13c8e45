SELECT
  "t9"."period",
  "t9"."country" AS "group",
  "t9"."both" / "t9"."value" AS "value"
FROM (
  SELECT
    "t8"."period",
    "t8"."country",
    "t8"."segment",
    "t8"."value",
    "t7"."b_period",
    "t7"."b_country",
    "t7"."both"
  FROM (
    SELECT
      *
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
    WHERE
      "t3"."country" <> 'all'
  ) AS "t8"
  INNER JOIN (
    SELECT
      "t4"."period" AS "b_period",
      "t4"."country" AS "b_country",
      "t4"."value" AS "both"
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
          AND "t0"."segment" = 'academia-industry'
      ) AS "t2"
      GROUP BY
        1,
        2,
        3
    ) AS "t4"
  ) AS "t7"
    ON "t8"."period" = "t7"."b_period" AND "t8"."country" = "t7"."b_country"
) AS "t9"
WHERE
  "t9"."value" > 0;
