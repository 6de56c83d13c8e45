SELECT
  *
FROM (
  SELECT
    "t21"."period",
    "t21"."group",
    "t21"."access",
    CAST(COUNT(*) AS DOUBLE) AS "value"
  FROM (
    SELECT
      "t20"."period",
      "t20"."group",
      "t20"."artifact_id",
      "t20"."access",
      SUM("t20"."weight") AS "weight",
      MAX("t20"."is_open") AS "is_open",
      MAX("t20"."is_osaid") AS "is_osaid"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          CASE
            WHEN COALESCE(COALESCE("t9"."owner_then", "t6"."owner_country"), "t8"."att_country") IN ('CN', 'HK')
            THEN 'CN'
            ELSE COALESCE(COALESCE("t9"."owner_then", "t6"."owner_country"), "t8"."att_country")
          END AS "group",
          "t18"."artifact_id",
          "t8"."weight",
          CAST("t18"."access" = 'open-weights' AS BIGINT) AS "is_open",
          CAST(COALESCE("t18"."osaid", FALSE) AS BIGINT) AS "is_osaid",
          CAST(EXTRACT(year FROM "t18"."created") AS TEXT) AS "period",
          CASE WHEN "t18"."access" = 'open-weights' THEN 'open' ELSE 'closed' END AS "access"
        FROM (
          SELECT
            "t16"."artifact_id",
            "t16"."created",
            "t16"."access",
            "t16"."license_class",
            "t16"."modality",
            "t16"."mof_class",
            "t16"."osaid"
          FROM (
            SELECT
              "t10"."artifact_id",
              "t10"."source",
              "t10"."kind",
              "t10"."source_id",
              "t10"."title",
              "t10"."author",
              "t10"."created",
              "t10"."date_precision",
              "t10"."modified",
              "t10"."license",
              "t10"."license_class",
              "t10"."access",
              "t10"."modality",
              "t10"."params_b",
              "t10"."pipeline_tag",
              "t10"."library_name",
              "t10"."tags",
              "t10"."weights",
              "t10"."training_code",
              "t10"."training_data",
              "t10"."paper",
              "t10"."mof_class",
              "t10"."osaid",
              "t10"."url",
              "t10"."hf_repo",
              "t10"."detail",
              "t10"."first_seen",
              "t10"."last_seen",
              "t15"."key"
            FROM (
              SELECT
                *
              FROM "artifacts" AS "t2"
              WHERE
                "t2"."kind" = 'release'
            ) AS "t10"
            LEFT OUTER JOIN (
              SELECT DISTINCT
                *
              FROM (
                SELECT
                  *
                FROM (
                  SELECT
                    REGEXP_REPLACE(REGEXP_REPLACE(LOWER("t2"."title"), '\([^)]*\)', '', 'g'), '[^a-z0-9]', '', 'g') AS "key"
                  FROM "artifacts" AS "t2"
                  WHERE
                    "t2"."kind" = 'release' AND "t2"."source" <> 'epoch'
                ) AS "t12"
                UNION ALL
                SELECT
                  *
                FROM (
                  SELECT
                    REGEXP_REPLACE(REGEXP_REPLACE(LOWER("t2"."source_id"), '\([^)]*\)', '', 'g'), '[^a-z0-9]', '', 'g') AS "key"
                  FROM "artifacts" AS "t2"
                  WHERE
                    "t2"."kind" = 'release' AND "t2"."source" <> 'epoch'
                ) AS "t11"
              ) AS "t13"
            ) AS "t15"
              ON REGEXP_REPLACE(REGEXP_REPLACE(LOWER("t10"."title"), '\([^)]*\)', '', 'g'), '[^a-z0-9]', '', 'g') = "t15"."key"
          ) AS "t16"
          WHERE
            (
              "t16"."source" <> 'epoch'
            ) OR (
              "t16"."key" IS NULL
            )
        ) AS "t18"
        INNER JOIN (
          SELECT
            "t0"."artifact_id",
            "t0"."org_id",
            "t0"."country" AS "att_country",
            "t0"."weight"
          FROM "attributions" AS "t0"
          WHERE
            "t0"."method" IN ('registry', 'epoch')
        ) AS "t8"
          ON "t18"."artifact_id" = "t8"."artifact_id"
        LEFT OUTER JOIN (
          SELECT
            "t1"."id" AS "org_key",
            "t1"."owner_country",
            "t1"."root_org",
            "t1"."sector",
            "t1"."country" AS "org_country"
          FROM "organizations" AS "t1"
        ) AS "t6"
          ON "t8"."org_id" = "t6"."org_key"
        LEFT OUTER JOIN (
          SELECT
            "t0"."artifact_id" AS "ow_artifact",
            "t0"."org_id" AS "ow_org",
            "t0"."country" AS "owner_then",
            "t0"."detail" AS "root_then"
          FROM "attributions" AS "t0"
          WHERE
            "t0"."method" = 'owner'
        ) AS "t9"
          ON "t18"."artifact_id" = "t9"."ow_artifact" AND "t8"."org_id" = "t9"."ow_org"
      ) AS "t19"
      WHERE
        "t19"."group" IS NOT NULL
    ) AS "t20"
    GROUP BY
      1,
      2,
      3,
      4
  ) AS "t21"
  GROUP BY
    1,
    2,
    3
) AS "t22";
