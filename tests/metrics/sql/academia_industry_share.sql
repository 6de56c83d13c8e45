SELECT
  "t19"."period",
  "t19"."country" AS "group",
  CASE WHEN "t19"."value" > 0 THEN "t19"."both" / "t19"."value" ELSE NULL END AS "value"
FROM (
  SELECT
    "t18"."period",
    "t18"."country",
    "t18"."segment",
    "t18"."value",
    "t15"."b_period",
    "t15"."b_country",
    "t15"."both"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t13"."period",
        "t13"."country",
        "t13"."segment",
        COALESCE("t10"."u_value", "t13"."value") AS "value"
      FROM (
        SELECT
          "t9"."period",
          "t9"."country",
          "t9"."segment",
          SUM("t9"."value") AS "value"
        FROM (
          SELECT
            "t5"."period",
            CASE WHEN "t5"."country" IN ('CN', 'HK') THEN 'CN' ELSE "t5"."country" END AS "country",
            "t5"."segment",
            "t5"."value"
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
        ) AS "t9"
        GROUP BY
          1,
          2,
          3
      ) AS "t13"
      LEFT OUTER JOIN (
        SELECT
          "t6"."period" AS "u_period",
          "t6"."country" AS "u_country",
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
      ) AS "t10"
        ON "t13"."period" = "t10"."u_period" AND "t13"."country" = "t10"."u_country"
    ) AS "t16"
    WHERE
      "t16"."country" <> 'all'
  ) AS "t18"
  INNER JOIN (
    SELECT
      "t11"."period" AS "b_period",
      "t11"."country" AS "b_country",
      "t11"."value" AS "both"
    FROM (
      SELECT
        "t8"."period",
        "t8"."country",
        "t8"."segment",
        SUM("t8"."value") AS "value"
      FROM (
        SELECT
          "t4"."period",
          CASE WHEN "t4"."country" IN ('CN', 'HK') THEN 'CN' ELSE "t4"."country" END AS "country",
          "t4"."segment",
          "t4"."value"
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
              AND "t0"."segment" = 'academia-industry'
          ) AS "t1"
          GROUP BY
            1,
            2,
            3
        ) AS "t4"
      ) AS "t8"
      GROUP BY
        1,
        2,
        3
    ) AS "t11"
  ) AS "t15"
    ON "t18"."period" = "t15"."b_period" AND "t18"."country" = "t15"."b_country"
) AS "t19"
WHERE
  "t19"."value" > 0;
