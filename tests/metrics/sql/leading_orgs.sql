SELECT
  "t25"."group",
  "t5"."name",
  "t5"."country",
  "t25"."access",
  "t25"."value"
FROM (
  SELECT
    "t23"."group",
    "t23"."access",
    CAST(COUNT(*) AS DOUBLE) AS "value"
  FROM (
    SELECT
      "t22"."group",
      "t22"."artifact_id",
      "t22"."access",
      SUM("t22"."weight") AS "weight",
      MAX("t22"."is_open") AS "is_open",
      MAX("t22"."is_osaid") AS "is_osaid"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t10"."org_id" AS "group",
          "t20"."artifact_id",
          "t10"."weight",
          CAST("t20"."access" = 'open-weights' AS BIGINT) AS "is_open",
          CAST(COALESCE("t20"."osaid", FALSE) AS BIGINT) AS "is_osaid",
          CASE WHEN "t20"."access" = 'open-weights' THEN 'open' ELSE 'closed' END AS "access"
        FROM (
          SELECT
            "t18"."artifact_id",
            "t18"."created",
            "t18"."access",
            "t18"."license_class",
            "t18"."modality",
            "t18"."mof_class",
            "t18"."osaid"
          FROM (
            SELECT
              "t12"."artifact_id",
              "t12"."source",
              "t12"."kind",
              "t12"."source_id",
              "t12"."title",
              "t12"."author",
              "t12"."created",
              "t12"."date_precision",
              "t12"."modified",
              "t12"."license",
              "t12"."license_class",
              "t12"."access",
              "t12"."modality",
              "t12"."params_b",
              "t12"."pipeline_tag",
              "t12"."library_name",
              "t12"."tags",
              "t12"."weights",
              "t12"."training_code",
              "t12"."training_data",
              "t12"."paper",
              "t12"."mof_class",
              "t12"."osaid",
              "t12"."url",
              "t12"."hf_repo",
              "t12"."detail",
              "t12"."first_seen",
              "t12"."last_seen",
              "t17"."key"
            FROM (
              SELECT
                *
              FROM "artifacts" AS "t2"
              WHERE
                "t2"."kind" = 'release'
            ) AS "t12"
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
                ) AS "t14"
                UNION ALL
                SELECT
                  *
                FROM (
                  SELECT
                    REGEXP_REPLACE(REGEXP_REPLACE(LOWER("t2"."source_id"), '\([^)]*\)', '', 'g'), '[^a-z0-9]', '', 'g') AS "key"
                  FROM "artifacts" AS "t2"
                  WHERE
                    "t2"."kind" = 'release' AND "t2"."source" <> 'epoch'
                ) AS "t13"
              ) AS "t15"
            ) AS "t17"
              ON REGEXP_REPLACE(REGEXP_REPLACE(LOWER("t12"."title"), '\([^)]*\)', '', 'g'), '[^a-z0-9]', '', 'g') = "t17"."key"
          ) AS "t18"
          WHERE
            (
              "t18"."source" <> 'epoch'
            ) OR (
              "t18"."key" IS NULL
            )
        ) AS "t20"
        INNER JOIN (
          SELECT
            "t1"."artifact_id",
            "t1"."org_id",
            "t1"."country" AS "att_country",
            "t1"."weight"
          FROM "attributions" AS "t1"
          WHERE
            "t1"."method" IN ('registry', 'epoch')
        ) AS "t10"
          ON "t20"."artifact_id" = "t10"."artifact_id"
        LEFT OUTER JOIN (
          SELECT
            "t0"."id" AS "org_key",
            "t0"."owner_country",
            "t0"."root_org",
            "t0"."sector",
            "t0"."country" AS "org_country"
          FROM "organizations" AS "t0"
        ) AS "t6"
          ON "t10"."org_id" = "t6"."org_key"
        LEFT OUTER JOIN (
          SELECT
            "t1"."artifact_id" AS "ow_artifact",
            "t1"."org_id" AS "ow_org",
            "t1"."country" AS "owner_then",
            "t1"."detail" AS "root_then"
          FROM "attributions" AS "t1"
          WHERE
            "t1"."method" = 'owner'
        ) AS "t11"
          ON "t20"."artifact_id" = "t11"."ow_artifact" AND "t10"."org_id" = "t11"."ow_org"
      ) AS "t21"
      WHERE
        "t21"."group" IS NOT NULL
    ) AS "t22"
    GROUP BY
      1,
      2,
      3
  ) AS "t23"
  GROUP BY
    1,
    2
) AS "t25"
LEFT OUTER JOIN (
  SELECT
    "t0"."id" AS "org_key",
    "t0"."name",
    "t0"."owner_country" AS "country"
  FROM "organizations" AS "t0"
) AS "t5"
  ON "t25"."group" = "t5"."org_key";
