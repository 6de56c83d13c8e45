SELECT
  *
FROM (
  SELECT
    "t22"."period",
    "t22"."group",
    "t22"."language",
    CAST(COUNT(*) AS DOUBLE) AS "value"
  FROM (
    SELECT
      "t21"."group",
      "t21"."artifact_id",
      "t21"."weight",
      "t21"."created",
      "t21"."license_class",
      "t21"."language",
      CAST(EXTRACT(year FROM "t21"."created") AS TEXT) AS "period"
    FROM (
      SELECT
        "t18"."group",
        "t18"."artifact_id",
        "t18"."weight",
        "t18"."created",
        "t18"."license_class",
        "t20"."language"
      FROM (
        SELECT
          "t14"."group",
          "t14"."artifact_id",
          SUM("t14"."weight") AS "weight",
          MIN("t14"."created") AS "created",
          MAX("t14"."license_class") AS "license_class"
        FROM (
          SELECT
            COALESCE(
              CASE
                WHEN COALESCE("t7"."owner_country", "t10"."country") IN ('CN', 'HK')
                THEN 'CN'
                ELSE COALESCE("t7"."owner_country", "t10"."country")
              END,
              'XX'
            ) AS "group",
            "t11"."artifact_id",
            "t10"."weight",
            "t11"."created",
            "t11"."license_class"
          FROM (
            SELECT
              "t0"."artifact_id",
              "t0"."created",
              COALESCE("t0"."license_class", 'unknown') AS "license_class"
            FROM "artifacts" AS "t0"
            WHERE
              "t0"."source" = 'github'
              AND "t0"."kind" = 'repo'
              AND NOT (
                ARRAY_CONTAINS("t0"."tags", 'fork')
              )
          ) AS "t11"
          INNER JOIN (
            SELECT
              "t1"."artifact_id",
              "t1"."org_id",
              "t1"."country",
              "t1"."weight"
            FROM "attributions" AS "t1"
            WHERE
              "t1"."method" IN ('registry', 'unattributed')
              AND STARTS_WITH("t1"."artifact_id", 'github:repo:')
          ) AS "t10"
            ON "t11"."artifact_id" = "t10"."artifact_id"
          LEFT OUTER JOIN (
            SELECT
              "t2"."id" AS "org_key",
              "t2"."owner_country",
              "t2"."root_org",
              "t2"."sector"
            FROM "organizations" AS "t2"
          ) AS "t7"
            ON "t10"."org_id" = "t7"."org_key"
        ) AS "t14"
        GROUP BY
          1,
          2
      ) AS "t18"
      INNER JOIN (
        SELECT
          "t8"."artifact_id",
          COALESCE("t17"."language", 'none') AS "language"
        FROM (
          SELECT
            "t0"."artifact_id"
          FROM "artifacts" AS "t0"
          WHERE
            "t0"."source" = 'github' AND "t0"."kind" = 'repo'
        ) AS "t8"
        LEFT OUTER JOIN (
          SELECT
            "t13"."artifact_id",
            MIN(
              SUBSTRING(
                "t13"."tag",
                CASE WHEN (
                  9 + 1
                ) >= 1 THEN 9 + 1 ELSE 9 + 1 + LENGTH("t13"."tag") END
              )
            ) AS "language"
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t5"."artifact_id",
                UNNEST("t5"."tags") AS "tag"
              FROM (
                SELECT
                  *
                FROM "artifacts" AS "t0"
                WHERE
                  "t0"."source" = 'github' AND "t0"."kind" = 'repo'
              ) AS "t5"
            ) AS "t12"
            WHERE
              STARTS_WITH("t12"."tag", 'language:')
          ) AS "t13"
          GROUP BY
            1
        ) AS "t17"
          ON "t8"."artifact_id" = "t17"."artifact_id"
      ) AS "t20"
        ON "t18"."artifact_id" = "t20"."artifact_id"
    ) AS "t21"
    WHERE
      "t21"."created" IS NOT NULL
  ) AS "t22"
  GROUP BY
    1,
    2,
    3
) AS "t23";
