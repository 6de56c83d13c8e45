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
  "t23"."period",
  "t23"."group",
  "t23"."benchmark",
  "t23"."own" AS "value"
FROM (
  SELECT
    "t22"."benchmark",
    "t22"."period",
    "t22"."group",
    MAX(CASE WHEN "t22"."r_group" = "t22"."group" THEN "t22"."r_score" ELSE NULL END) AS "own",
    MAX(CASE WHEN "t22"."r_group" <> "t22"."group" THEN "t22"."r_score" ELSE NULL END) AS "other"
  FROM (
    SELECT
      "t20"."benchmark",
      "t20"."period",
      "t17"."group",
      "t21"."r_bench",
      "t21"."r_period",
      "t21"."r_group",
      "t21"."r_score"
    FROM (
      SELECT DISTINCT
        "t15"."benchmark",
        CAST(EXTRACT(year FROM "t15"."date") AS TEXT) || '-' || CASE
          WHEN 2 <= LENGTH(CAST(EXTRACT(month FROM "t15"."date") AS TEXT))
          THEN CAST(EXTRACT(month FROM "t15"."date") AS TEXT)
          ELSE REPEAT('0', 2 - LENGTH(CAST(EXTRACT(month FROM "t15"."date") AS TEXT))) || CAST(EXTRACT(month FROM "t15"."date") AS TEXT)
        END AS "period"
      FROM "t14" AS "t15"
    ) AS "t20"
    INNER JOIN (
      SELECT DISTINCT
        "t15"."benchmark",
        "t15"."group"
      FROM "t14" AS "t15"
    ) AS "t17"
      ON "t20"."benchmark" = "t17"."benchmark"
    INNER JOIN (
      SELECT
        "t15"."benchmark" AS "r_bench",
        CAST(EXTRACT(year FROM "t15"."date") AS TEXT) || '-' || CASE
          WHEN 2 <= LENGTH(CAST(EXTRACT(month FROM "t15"."date") AS TEXT))
          THEN CAST(EXTRACT(month FROM "t15"."date") AS TEXT)
          ELSE REPEAT('0', 2 - LENGTH(CAST(EXTRACT(month FROM "t15"."date") AS TEXT))) || CAST(EXTRACT(month FROM "t15"."date") AS TEXT)
        END AS "r_period",
        "t15"."group" AS "r_group",
        "t15"."score" AS "r_score"
      FROM "t14" AS "t15"
    ) AS "t21"
      ON "t20"."benchmark" = "t21"."r_bench" AND "t21"."r_period" <= "t20"."period"
  ) AS "t22"
  GROUP BY
    1,
    2,
    3
) AS "t23"
WHERE
  "t23"."own" IS NOT NULL;
