SELECT
  "t20"."period",
  "t20"."group",
  CASE
    WHEN CAST("t20"."n" AS DOUBLE) > 0
    THEN "t20"."value" / CAST("t20"."n" AS DOUBLE)
    ELSE NULL
  END AS "value"
FROM (
  SELECT
    "t19"."period",
    "t19"."group",
    CAST(COUNT(*) AS DOUBLE) AS "value",
    MAX("t19"."n") AS "n"
  FROM (
    SELECT
      "t18"."period",
      "t18"."group",
      "t18"."artifact_id",
      SUM("t18"."weight") AS "weight",
      MAX("t18"."n") AS "n"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          CASE WHEN "t8"."att_country" IN ('CN', 'HK') THEN 'CN' ELSE "t8"."att_country" END AS "group",
          "t16"."artifact_id",
          "t8"."weight",
          "t16"."period",
          "t16"."n"
        FROM (
          SELECT
            "t14"."artifact_id",
            "t14"."created",
            "t14"."year",
            "t14"."rank",
            "t14"."period",
            COUNT("t14"."artifact_id") OVER (
              PARTITION BY "t14"."period"
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            ) AS "n"
          FROM (
            SELECT
              "t13"."artifact_id",
              "t13"."created",
              "t13"."year",
              "t13"."rank",
              CAST(EXTRACT(year FROM "t13"."created") AS TEXT) AS "period"
            FROM (
              SELECT
                "t12"."artifact_id",
                "t12"."created",
                "t12"."year",
                "t12"."run_id",
                "t12"."rank",
                MAX("t12"."run_id") OVER (
                  PARTITION BY "t12"."year"
                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                ) AS "last_run"
              FROM (
                SELECT
                  "t11"."artifact_id",
                  "t11"."created",
                  "t11"."year",
                  "t10"."run_id",
                  "t10"."rank"
                FROM (
                  SELECT
                    "t2"."artifact_id",
                    "t2"."created",
                    CAST(EXTRACT(year FROM "t2"."created") AS TEXT) AS "year"
                  FROM "artifacts" AS "t2"
                  WHERE
                    "t2"."source" = 'openalex' AND "t2"."kind" = 'work'
                ) AS "t11"
                INNER JOIN (
                  SELECT
                    "t3"."artifact_id",
                    "t3"."run_id",
                    "t3"."value" AS "rank"
                  FROM "observations" AS "t3"
                  WHERE
                    "t3"."metric" = 'cited_rank'
                ) AS "t10"
                  ON "t11"."artifact_id" = "t10"."artifact_id"
              ) AS "t12"
            ) AS "t13"
            WHERE
              "t13"."year" IS NOT NULL AND "t13"."run_id" = "t13"."last_run"
          ) AS "t14"
        ) AS "t16"
        INNER JOIN (
          SELECT
            "t0"."artifact_id",
            "t0"."org_id",
            "t0"."weight",
            "t0"."detail",
            "t0"."country" AS "att_country"
          FROM "attributions" AS "t0"
          WHERE
            "t0"."method" IN ('affiliation', 'unattributed')
        ) AS "t8"
          ON "t16"."artifact_id" = "t8"."artifact_id"
        LEFT OUTER JOIN (
          SELECT
            "t1"."id" AS "org_key",
            "t1"."owner_country",
            "t1"."sector"
          FROM "organizations" AS "t1"
        ) AS "t6"
          ON "t8"."org_id" = "t6"."org_key"
      ) AS "t17"
      WHERE
        "t17"."group" IS NOT NULL
    ) AS "t18"
    GROUP BY
      1,
      2,
      3
  ) AS "t19"
  GROUP BY
    1,
    2
) AS "t20";
