SELECT
  *
FROM (
  SELECT
    "t11"."period",
    "t11"."group",
    "t11"."license_class",
    CAST(COUNT(*) AS DOUBLE) AS "value"
  FROM (
    SELECT
      "t10"."group",
      "t10"."artifact_id",
      "t10"."weight",
      "t10"."created",
      "t10"."license_class",
      CAST(EXTRACT(year FROM "t10"."created") AS TEXT) AS "period"
    FROM (
      SELECT
        "t9"."group",
        "t9"."artifact_id",
        SUM("t9"."weight") AS "weight",
        MIN("t9"."created") AS "created",
        MAX("t9"."license_class") AS "license_class"
      FROM (
        SELECT
          COALESCE(
            CASE
              WHEN COALESCE("t5"."owner_country", "t7"."country") IN ('CN', 'HK')
              THEN 'CN'
              ELSE COALESCE("t5"."owner_country", "t7"."country")
            END,
            'XX'
          ) AS "group",
          "t8"."artifact_id",
          "t7"."weight",
          "t8"."created",
          "t8"."license_class"
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
        ) AS "t8"
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
        ) AS "t7"
          ON "t8"."artifact_id" = "t7"."artifact_id"
        LEFT OUTER JOIN (
          SELECT
            "t2"."id" AS "org_key",
            "t2"."owner_country",
            "t2"."root_org",
            "t2"."sector"
          FROM "organizations" AS "t2"
        ) AS "t5"
          ON "t7"."org_id" = "t5"."org_key"
      ) AS "t9"
      GROUP BY
        1,
        2
    ) AS "t10"
    WHERE
      "t10"."created" IS NOT NULL
  ) AS "t11"
  GROUP BY
    1,
    2,
    3
) AS "t12";
