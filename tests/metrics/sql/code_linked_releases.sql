SELECT
  *
FROM (
  SELECT
    "t30"."period",
    "t30"."group",
    CAST(COUNT(*) AS DOUBLE) AS "value"
  FROM (
    SELECT
      "t29"."period",
      "t29"."group",
      "t29"."artifact_id",
      "t29"."weight",
      "t29"."is_open",
      "t29"."is_osaid"
    FROM (
      SELECT
        "t27"."period",
        "t27"."group",
        "t27"."artifact_id",
        SUM("t27"."weight") AS "weight",
        MAX("t27"."is_open") AS "is_open",
        MAX("t27"."is_osaid") AS "is_osaid"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            CASE
              WHEN COALESCE(COALESCE("t13"."owner_then", "t8"."owner_country"), "t12"."att_country") IN ('CN', 'HK')
              THEN 'CN'
              ELSE COALESCE(COALESCE("t13"."owner_then", "t8"."owner_country"), "t12"."att_country")
            END AS "group",
            "t25"."artifact_id",
            "t12"."weight",
            CAST("t25"."access" = 'open-weights' AS BIGINT) AS "is_open",
            CAST(COALESCE("t25"."osaid", FALSE) AS BIGINT) AS "is_osaid",
            CAST(EXTRACT(year FROM "t25"."created") AS TEXT) AS "period"
          FROM (
            SELECT
              "t23"."artifact_id",
              "t23"."created",
              "t23"."access",
              "t23"."license_class",
              "t23"."modality",
              "t23"."mof_class",
              "t23"."osaid"
            FROM (
              SELECT
                "t9"."artifact_id",
                "t9"."source",
                "t9"."kind",
                "t9"."source_id",
                "t9"."title",
                "t9"."author",
                "t9"."created",
                "t9"."date_precision",
                "t9"."modified",
                "t9"."license",
                "t9"."license_class",
                "t9"."access",
                "t9"."modality",
                "t9"."params_b",
                "t9"."pipeline_tag",
                "t9"."library_name",
                "t9"."tags",
                "t9"."weights",
                "t9"."training_code",
                "t9"."training_data",
                "t9"."paper",
                "t9"."mof_class",
                "t9"."osaid",
                "t9"."url",
                "t9"."hf_repo",
                "t9"."detail",
                "t9"."first_seen",
                "t9"."last_seen",
                "t20"."key"
              FROM (
                SELECT
                  *
                FROM "artifacts" AS "t0"
                WHERE
                  "t0"."kind" = 'release'
              ) AS "t9"
              LEFT OUTER JOIN (
                SELECT DISTINCT
                  *
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      REGEXP_REPLACE(REGEXP_REPLACE(LOWER("t0"."title"), '\([^)]*\)', '', 'g'), '[^a-z0-9]', '', 'g') AS "key"
                    FROM "artifacts" AS "t0"
                    WHERE
                      "t0"."kind" = 'release' AND "t0"."source" <> 'epoch'
                  ) AS "t15"
                  UNION ALL
                  SELECT
                    *
                  FROM (
                    SELECT
                      REGEXP_REPLACE(REGEXP_REPLACE(LOWER("t0"."source_id"), '\([^)]*\)', '', 'g'), '[^a-z0-9]', '', 'g') AS "key"
                    FROM "artifacts" AS "t0"
                    WHERE
                      "t0"."kind" = 'release' AND "t0"."source" <> 'epoch'
                  ) AS "t16"
                ) AS "t17"
              ) AS "t20"
                ON REGEXP_REPLACE(REGEXP_REPLACE(LOWER("t9"."title"), '\([^)]*\)', '', 'g'), '[^a-z0-9]', '', 'g') = "t20"."key"
            ) AS "t23"
            WHERE
              (
                "t23"."source" <> 'epoch'
              ) OR (
                "t23"."key" IS NULL
              )
          ) AS "t25"
          INNER JOIN (
            SELECT
              "t1"."artifact_id",
              "t1"."org_id",
              "t1"."country" AS "att_country",
              "t1"."weight"
            FROM "attributions" AS "t1"
            WHERE
              "t1"."method" IN ('registry', 'epoch')
          ) AS "t12"
            ON "t25"."artifact_id" = "t12"."artifact_id"
          LEFT OUTER JOIN (
            SELECT
              "t2"."id" AS "org_key",
              "t2"."owner_country",
              "t2"."root_org",
              "t2"."sector",
              "t2"."country" AS "org_country"
            FROM "organizations" AS "t2"
          ) AS "t8"
            ON "t12"."org_id" = "t8"."org_key"
          LEFT OUTER JOIN (
            SELECT
              "t1"."artifact_id" AS "ow_artifact",
              "t1"."org_id" AS "ow_org",
              "t1"."country" AS "owner_then",
              "t1"."detail" AS "root_then"
            FROM "attributions" AS "t1"
            WHERE
              "t1"."method" = 'owner'
          ) AS "t13"
            ON "t25"."artifact_id" = "t13"."ow_artifact" AND "t12"."org_id" = "t13"."ow_org"
        ) AS "t26"
        WHERE
          "t26"."group" IS NOT NULL
      ) AS "t27"
      GROUP BY
        1,
        2,
        3
    ) AS "t29"
    SEMI JOIN (
      SELECT DISTINCT
        *
      FROM (
        SELECT
          "t14"."artifact_id"
        FROM (
          SELECT
            "t0"."artifact_id",
            LOWER(
              REGEXP_EXTRACT("t0"."url", '^https?://(?:www\.)?github\.com/([^/#?]+/[^/#?]+)', 1)
            ) AS "repo"
          FROM "artifacts" AS "t0"
          WHERE
            "t0"."kind" = 'release' AND "t0"."url" IS NOT NULL
        ) AS "t14"
        INNER JOIN (
          SELECT DISTINCT
            LOWER("t0"."title") AS "repo"
          FROM "artifacts" AS "t0"
          WHERE
            "t0"."source" = 'github' AND "t0"."kind" = 'repo'
        ) AS "t11"
          ON "t14"."repo" = "t11"."repo"
      ) AS "t19"
    ) AS "t22"
      ON "t29"."artifact_id" = "t22"."artifact_id"
  ) AS "t30"
  GROUP BY
    1,
    2
) AS "t31";
