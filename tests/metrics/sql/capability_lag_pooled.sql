WITH "t3" AS (
  SELECT
    *
  FROM "observations" AS "t1"
  WHERE
    STARTS_WITH("t1"."metric", 'score:')
), "t14" AS (
  SELECT DISTINCT
    *
  FROM (
    SELECT
      "t12"."artifact_id",
      "t12"."benchmark",
      "t12"."date",
      "t12"."score",
      CASE
        WHEN "t12"."access" = 'open-weights'
        THEN 'open'
        ELSE CASE
          WHEN "t12"."access" IN ('api', 'unreleased')
          THEN 'closed'
          ELSE CAST(NULL AS TEXT)
        END
      END AS "group"
    FROM (
      SELECT
        "t11"."artifact_id",
        SUBSTRING(
          "t11"."metric",
          CASE WHEN (
            6 + 1
          ) >= 1 THEN 6 + 1 ELSE 6 + 1 + LENGTH("t11"."metric") END
        ) AS "benchmark",
        "t4"."src",
        CAST("t4"."created" AS TIMESTAMP) AS "date",
        "t11"."value" AS "score",
        "t4"."access"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t6"."artifact_id",
            "t6"."metric",
            "t6"."value",
            "t6"."observed_at",
            "t6"."run_id",
            "t8"."last_run"
          FROM "t3" AS "t6"
          INNER JOIN (
            SELECT
              "t5"."artifact_id",
              "t5"."metric",
              MAX("t5"."run_id") AS "last_run"
            FROM "t3" AS "t5"
            GROUP BY
              1,
              2
          ) AS "t8"
            ON "t6"."artifact_id" = "t8"."artifact_id" AND "t6"."metric" = "t8"."metric"
        ) AS "t9"
        WHERE
          "t9"."run_id" = "t9"."last_run"
      ) AS "t11"
      INNER JOIN (
        SELECT
          "t0"."artifact_id",
          "t0"."created",
          "t0"."access",
          "t0"."source" AS "src"
        FROM "artifacts" AS "t0"
        WHERE
          "t0"."kind" = 'evaluated_model'
      ) AS "t4"
        ON "t11"."artifact_id" = "t4"."artifact_id"
    ) AS "t12"
    WHERE
      "t12"."date" IS NOT NULL AND "t12"."score" IS NOT NULL
  ) AS "t13"
  WHERE
    "t13"."group" IS NOT NULL
)
SELECT
  "t30"."group",
  "t30"."__pivoted__"."stat" AS "stat",
  "t30"."__pivoted__"."value" AS "value"
FROM (
  SELECT
    "t29"."group",
    UNNEST(
      CAST([
        {'stat': 'median', 'value': "t29"."median"},
        {'stat': 'min', 'value': "t29"."min"},
        {'stat': 'max', 'value': "t29"."max"},
        {'stat': 'levels', 'value': "t29"."levels"},
        {'stat': 'caught', 'value': "t29"."caught"}
      ] AS STRUCT("stat" TEXT, "value" DOUBLE)[])
    ) AS "__pivoted__"
  FROM (
    SELECT
      "t28"."group",
      QUANTILE_CONT("t28"."lag", 0.5) AS "median",
      MIN("t28"."lag") AS "min",
      MAX("t28"."lag") AS "max",
      CAST(COUNT(*) AS DOUBLE) AS "levels",
      CAST(COUNT("t28"."lag") AS DOUBLE) AS "caught"
    FROM (
      SELECT
        "t27"."benchmark",
        "t27"."group",
        "t27"."model",
        "t27"."date" AS "level_date",
        CAST(EPOCH(CAST("t27"."first" AS TIMESTAMP)) - EPOCH(CAST("t27"."date" AS TIMESTAMP)) AS DOUBLE) / 2629800.0 AS "lag"
      FROM (
        SELECT
          "t26"."benchmark",
          "t26"."group",
          "t26"."model",
          "t26"."date",
          MIN("t26"."c_date") AS "first"
        FROM (
          SELECT
            "t25"."benchmark",
            "t25"."group",
            "t25"."model",
            "t25"."date",
            "t25"."score",
            "t25"."prev",
            "t20"."c_bench",
            "t20"."c_group",
            "t20"."c_date",
            "t20"."c_score"
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t22"."benchmark",
                "t22"."group",
                "t22"."model",
                "t22"."date",
                "t22"."score",
                MAX("t22"."score") OVER (
                  PARTITION BY "t22"."benchmark", "t22"."group"
                  ORDER BY "t22"."date" ASC, "t22"."score" ASC, "t22"."model" ASC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 preceding
                ) AS "prev"
              FROM (
                SELECT DISTINCT
                  *
                FROM (
                  SELECT
                    "t16"."benchmark",
                    "t19"."g_group" AS "group",
                    "t16"."artifact_id" AS "model",
                    "t16"."date",
                    "t16"."score"
                  FROM (
                    SELECT DISTINCT
                      "t15"."benchmark" AS "g_bench",
                      "t15"."group" AS "g_group"
                    FROM "t14" AS "t15"
                  ) AS "t19"
                  INNER JOIN "t14" AS "t16"
                    ON "t19"."g_bench" = "t16"."benchmark" AND "t19"."g_group" <> "t16"."group"
                ) AS "t21"
              ) AS "t22"
            ) AS "t23"
            WHERE
              (
                "t23"."prev" IS NULL
              ) OR (
                "t23"."score" > "t23"."prev"
              )
          ) AS "t25"
          LEFT OUTER JOIN (
            SELECT
              "t15"."benchmark" AS "c_bench",
              "t15"."group" AS "c_group",
              "t15"."date" AS "c_date",
              "t15"."score" AS "c_score"
            FROM "t14" AS "t15"
          ) AS "t20"
            ON "t25"."benchmark" = "t20"."c_bench"
            AND "t25"."group" = "t20"."c_group"
            AND "t20"."c_score" >= (
              "t25"."score" * 1.0
            )
        ) AS "t26"
        GROUP BY
          1,
          2,
          3,
          4
      ) AS "t27"
    ) AS "t28"
    GROUP BY
      1
  ) AS "t29"
) AS "t30";
